import { appendStepMessage } from "../adapters/database/agent-steps.ts";
import type { AgentRow } from "../adapters/database/agents.ts";
import { findRequestForToolCall, involvesHumans } from "../adapters/database/requests.ts";
import { pendingBudgetRequest, stoppedSinceLastUserMessage } from "../adapters/database/session-budget.ts";
import { getSession } from "../adapters/database/sessions.ts";
import { recordUsage, sessionUsageTotals } from "../adapters/database/usage.ts";
import { budgetExceeded } from "../domain/budget.ts";
import { errorMessage, errorType, ProviderError, StepConflictError } from "../domain/errors.ts";
import { type ChatMessage, textOf, toolCallsOf } from "../domain/messages.ts";
import { costOf } from "../domain/pricing.ts";
import { supervisorPrompt } from "../domain/prompts/supervisor-prompt.ts";
import { fenceToolResults } from "../domain/prompts/untrusted-data.ts";
import { workerPrompt } from "../domain/prompts/worker-prompt.ts";
import { redactMessage } from "../domain/secret-redaction.ts";
import type { AnyTool } from "../domain/tool.ts";
import { normalizeTranscript, turnsSinceLastInput } from "../domain/transcript.ts";
import { parseModel } from "./agent-lifecycle.ts";
import { ensureRunning, failAgent, restSupervisor } from "./agent-status.ts";
import { persistStepCompletingWorker } from "./complete-worker.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { telemetryAgent } from "./snapshots.ts";
import { toolSchemaOf } from "./tool-schemas.ts";
import { announceRequest, parkAgent, waitForHuman } from "./waits.ts";

export type StepOutcome = "continue" | "stop";

/**
 * Checks the session budget before a turn. Over it, the agent waits on a budget request
 * keyed by its current step, so a resume finds the same request.
 */
async function budgetAllows(kernel: RuntimeKernel, agent: AgentRow): Promise<boolean> {
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

export async function modelStep(
  kernel: RuntimeKernel,
  agent: AgentRow,
  transcript: ChatMessage[],
  seq: number,
  tools: AnyTool[],
  signal: AbortSignal,
): Promise<StepOutcome> {
  const isSupervisor = agent.role === "supervisor";
  // A worker's turns are capped over its life; a supervisor's per message or event it handles.
  const turns = isSupervisor ? turnsSinceLastInput(transcript) : agent.turns;
  if (turns >= kernel.config.limits.maxTurns) {
    await failAgent(kernel, agent, `reached the turn limit (${kernel.config.limits.maxTurns} turns)`);
    return "stop";
  }
  // The cached prefix must outlive a wait on a person: supervisors always wait on people,
  // workers once a question or approval is part of their story. Read alongside the budget.
  const humans = isSupervisor ? Promise.resolve(true) : involvesHumans(kernel.db, agent);
  humans.catch(() => undefined);
  if (!(await budgetAllows(kernel, agent))) return "stop";
  const running = await ensureRunning(kernel, agent);
  if (!running) return "stop";

  const ref = parseModel(running.model);
  const cacheRetention = (await humans) ? "long" : "short";
  const turnId = `${running.id}:${running.step}`;
  let result: Awaited<ReturnType<ReturnType<RuntimeKernel["resolveProvider"]>["turn"]>>;
  const measurement = kernel.telemetry.modelCall(telemetryAgent(running), {
    provider: ref.provider,
    model: ref.model,
    streaming: isSupervisor,
  });
  try {
    const provider = kernel.resolveProvider(ref);
    result = await provider.turn({
      model: ref.model,
      system: isSupervisor ? supervisorPrompt : workerPrompt,
      messages: fenceToolResults(normalizeTranscript(transcript)),
      tools: tools.map(toolSchemaOf),
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
    // Cancelled (or the lease lost): whoever changed the agent owns it now.
    if (signal.aborted) throw new StepConflictError(running.id, running.step);
    const reason =
      error instanceof ProviderError ? error.message : `model call failed: ${errorMessage(error)}`;
    await failAgent(kernel, running, reason);
    return "stop";
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
    async write(transaction, row) {
      await appendStepMessage(transaction, row, seq, message);
      await recordUsage(transaction, {
        sessionId: row.sessionId,
        agentId: row.id,
        step: running.step,
        provider: ref.provider,
        model: ref.model,
        usage,
        costMicros: cost,
      });
    },
    finishedSummary: endsWork ? text || "(no summary)" : undefined,
  });
  if (isSupervisor && text.trim() !== "") {
    kernel.emit({
      type: "reply-completed",
      sessionId: persisted.sessionId,
      agentId: persisted.id,
      turnId,
      text,
    });
  }
  return completed ? "stop" : "continue";
}
