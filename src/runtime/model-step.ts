import type { AgentRow } from "../adapters/database/agents.ts";
import { findRequestForToolCall } from "../adapters/database/requests.ts";
import { pendingBudgetRequest, stoppedSinceLastUserMessage } from "../adapters/database/session-budget.ts";
import { getSession } from "../adapters/database/sessions.ts";
import { sessionUsageTotals, stepUsageRow } from "../adapters/database/usage.ts";
import { budgetExceeded } from "../domain/budget.ts";
import { contextView, type NumberedMessage, needsCompaction } from "../domain/compaction.ts";
import { estimatePrefixTokens } from "../domain/context-window.ts";
import {
  ContextWindowExceededError,
  errorMessage,
  errorType,
  ProviderError,
  StepConflictError,
} from "../domain/errors.ts";
import { type ChatMessage, textOf, toolCallsOf } from "../domain/messages.ts";
import type { ModelTurnResult } from "../domain/model.ts";
import { costOf } from "../domain/pricing.ts";
import { supervisorPrompt } from "../domain/prompts/supervisor-prompt.ts";
import { fenceToolResults } from "../domain/prompts/untrusted-data.ts";
import { workerPrompt } from "../domain/prompts/worker-prompt.ts";
import { redactMessage } from "../domain/secret-redaction.ts";
import type { AnyTool } from "../domain/tool.ts";
import { normalizeTranscript, turnsSinceLastInput } from "../domain/transcript.ts";
import { parseModel } from "./agent-lifecycle.ts";
import { ensureRunning, failAgent, restSupervisor } from "./agent-status.ts";
import { type CompactionRequest, compactionStep } from "./compaction-step.ts";
import { persistStepCompletingWorker } from "./complete-worker.ts";
import { contextWindowFor, estimatePromptTokens } from "./context-budget.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { throwIfInterruptedByShutdown } from "./shutdown-interruption.ts";
import { telemetryAgent } from "./snapshots.ts";
import { toolSchemaOf } from "./tool-schemas.ts";
import { announceRequest, parkAgent, waitForHuman } from "./waits.ts";

export type StepOutcome = "continue" | "stop";

/**
 * Checks the session budget before a turn. Over it, the agent waits on a budget request
 * keyed by its current step, so a resume finds the same request.
 */
async function budgetAllows(kernel: RuntimeKernel, agent: AgentRow, budgeted: boolean): Promise<boolean> {
  if (!budgeted) return true;
  const session = await getSession(kernel.db, agent.sessionId);
  if (!session || (session.budgetMicros === null && session.budgetTokens === null)) return true;
  const key = `budget:${agent.step}`;
  const own = await findRequestForToolCall(kernel.db, agent.id, key);
  if (own && (own.status === "extended" || own.status === "approved")) return true;
  if (own && own.status !== "pending") {
    // Stopped or cancelled: the stop handler already cancelled the workers.
    if (agent.role === "supervisor") await restSupervisor(kernel, agent);
    return false;
  }
  const reason = budgetExceeded(
    { budgetMicros: session.budgetMicros, budgetTokens: session.budgetTokens },
    await sessionUsageTotals(kernel.db, agent.sessionId),
  );
  if (reason === undefined) return true;
  if (agent.role === "supervisor" && (await stoppedSinceLastUserMessage(kernel.db, agent))) {
    // The user said stop; ask again only when they write again.
    await restSupervisor(kernel, agent);
    return false;
  }
  const pending = own ?? (await pendingBudgetRequest(kernel.db, agent.sessionId));
  if (pending) {
    if (agent.status !== "waiting") await parkAgent(kernel, agent);
    announceRequest(kernel, pending, agent.title);
    return false;
  }
  await waitForHuman(kernel, agent, {
    kind: "budget",
    toolCallId: key,
    prompt: `${reason} Extend the budget or stop the session's agents?`,
    choices: ["extend", "stop"],
  });
  return false;
}

/** What the step's read found for its turn (`loadStepState`). */
export interface ModelStepChecks {
  /** The session has a budget: it is checked before the turn. */
  budgeted: boolean;
  involvesHumans: boolean;
}

/**
 * One model turn. Before it, a transcript that nears the model's context window is compacted
 * (a step of its own); a provider that refuses the prompt as too long, or cuts the output at
 * the window, gets a forced compaction and the turn is asked again in the next step.
 */
export async function modelStep(
  kernel: RuntimeKernel,
  agent: AgentRow,
  entries: NumberedMessage[],
  seq: number,
  tools: AnyTool[],
  signal: AbortSignal,
  checks: ModelStepChecks,
): Promise<StepOutcome> {
  const transcript = entries.map((entry) => entry.message);
  const isSupervisor = agent.role === "supervisor";
  // A worker's turns are capped over its life; a supervisor's per message or event it handles.
  const turns = isSupervisor ? turnsSinceLastInput(transcript) : agent.turns;
  if (turns >= kernel.config.limits.maxTurns) {
    await failAgent(kernel, agent, `reached the turn limit (${kernel.config.limits.maxTurns} turns)`);
    return "stop";
  }
  // The cached prefix must outlive a wait on a person: supervisors always wait on people,
  // workers once a question or approval is part of their story.
  const humans = isSupervisor || checks.involvesHumans;
  if (!(await budgetAllows(kernel, agent, checks.budgeted))) return "stop";
  const running = await ensureRunning(kernel, agent);
  if (!running) return "stop";

  const ref = parseModel(running.model);
  const system = isSupervisor ? supervisorPrompt : workerPrompt;
  const schemas = tools.map(toolSchemaOf);
  const view = contextView(entries);
  const compaction: CompactionRequest = {
    ref,
    windowTokens: contextWindowFor(kernel, running.model),
    entries,
    seq,
    signal,
  };
  const estimate = await estimatePromptTokens(
    kernel,
    running.id,
    entries,
    view,
    estimatePrefixTokens(system, schemas),
    compaction.windowTokens,
  );
  if (needsCompaction(estimate, compaction.windowTokens)) {
    // With nothing left to fold in the turn goes ahead; a refusal from the provider forces one below.
    const compacted = await compactionStep(kernel, running, compaction);
    if (compacted) return compacted;
  }

  const cacheRetention = humans ? "long" : "short";
  const turnId = `${running.id}:${running.step}`;
  let result: ModelTurnResult;
  const measurement = kernel.telemetry.modelCall(telemetryAgent(running), {
    provider: ref.provider,
    model: ref.model,
    streaming: isSupervisor,
  });
  try {
    const provider = kernel.resolveProvider(ref);
    result = await provider.turn({
      model: ref.model,
      system,
      messages: fenceToolResults(normalizeTranscript(view)),
      tools: schemas,
      cacheRetention,
      signal,
      stream: isSupervisor,
      ...(isSupervisor
        ? {
            onTextDelta: (delta: string) =>
              kernel.emit({
                type: "reply-delta",
                sessionId: running.sessionId,
                agentId: running.id,
                turnId,
                delta,
              }),
          }
        : {}),
    });
  } catch (error) {
    measurement.fail(signal.aborted ? "cancelled" : errorType(error));
    // Said out loud: the provider may bill this call, and the next instance pays for it again.
    throwIfInterruptedByShutdown(kernel, signal, running, {
      message: "model call interrupted by shutdown; the next instance runs this turn again",
    });
    // Cancelled (or the lease lost): whoever changed the agent owns it now.
    if (signal.aborted) throw new StepConflictError(running.id, running.step);
    if (error instanceof ContextWindowExceededError) {
      const windowTokens = Math.min(compaction.windowTokens, error.limitTokens ?? compaction.windowTokens);
      return (await compactionStep(kernel, running, { ...compaction, windowTokens, force: true })) ?? "stop";
    }
    const reason =
      error instanceof ProviderError ? error.message : `model call failed: ${errorMessage(error)}`;
    await failAgent(kernel, running, reason);
    return "stop";
  }

  if (result.stopReason === "context_window_exceeded") {
    const cut = costOf(ref, result.usage, kernel.config.priceOverrides);
    measurement.end({
      usage: result.usage,
      costMicros: cut.priced ? cut.micros : undefined,
      responseId: result.responseId,
      stopReason: result.stopReason,
    });
    // The output was cut where the window ends: make room and ask again, paying for the cut turn.
    return (
      (await compactionStep(kernel, running, { ...compaction, force: true, discardedUsage: result.usage })) ??
      "stop"
    );
  }

  // Secrets the model wrote (a token in a command) are redacted before anything stores, shows or runs them.
  const message: ChatMessage =
    result.message.parts.length > 0
      ? redactMessage(result.message)
      : { role: "assistant", parts: [{ type: "text", text: "" }] };
  const text = textOf(message);
  const endsWork = !isSupervisor && toolCallsOf(message).length === 0;
  const { micros: cost, priced } = costOf(ref, result.usage, kernel.config.priceOverrides);
  const usage = result.usage;
  measurement.end({
    usage,
    costMicros: priced ? cost : undefined,
    responseId: result.responseId,
    stopReason: result.stopReason,
  });
  const { agent: persisted, completed } = await persistStepCompletingWorker(kernel, running, {
    patch: { addUsage: { usage, costMicros: cost } },
    message: { seq, message },
    rows: [
      stepUsageRow({ step: running.step, provider: ref.provider, model: ref.model, usage, costMicros: cost }),
    ],
    finishedSummary: endsWork ? text || "(no summary)" : undefined,
  });
  if (isSupervisor && text.trim() !== "") {
    kernel.emit({
      type: "reply-completed",
      sessionId: persisted.sessionId,
      agentId: persisted.id,
      turnId,
      text,
      final: toolCallsOf(message).length === 0,
    });
  }
  return completed ? "stop" : "continue";
}
