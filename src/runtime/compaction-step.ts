import { appendStepMessage, persistStep } from "../adapters/database/agent-steps.ts";
import type { AgentRow } from "../adapters/database/agents.ts";
import { recordUsage } from "../adapters/database/usage.ts";
import { type NumberedMessage, planCompaction, summaryOutputTokens } from "../domain/compaction.ts";
import { contextShares, estimateTokens } from "../domain/context-window.ts";
import {
  ContextWindowExceededError,
  errorMessage,
  ProviderError,
  StepConflictError,
} from "../domain/errors.ts";
import { addUsage, emptyUsage, textOf, type Usage } from "../domain/messages.ts";
import type { ModelRef } from "../domain/model.ts";
import { costMicros } from "../domain/pricing.ts";
import { summarizingPrompt, summaryRequestText } from "../domain/prompts/summary-prompt.ts";
import { failAgent } from "./agent-status.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { throwIfInterruptedByShutdown } from "./shutdown-interruption.ts";
import type { StepOutcome } from "./step-outcome.ts";

export interface CompactionRequest {
  ref: ModelRef;
  windowTokens: number;
  entries: readonly NumberedMessage[];
  /** Where the summary is stored: the seq after the transcript the step planned from. */
  seq: number;
  signal: AbortSignal;
  /** The provider refused the prompt as too long (or cut the output at the window): compaction must make room. */
  force?: boolean;
  /** A turn thrown away because its output ran into the window; its tokens were paid for all the same. */
  discardedUsage?: Usage;
}

/** Smaller summarising requests tried when even one is refused as too long. */
const attempts = 3;

/**
 * Folds the oldest turns into a summary: one call to the agent's own model with a fixed
 * summarising prompt, then one step that stores the summary as a transcript message with the
 * call's usage. A crash before that step stores nothing (the next step compacts again); after
 * it, the summary is there and no turn is repeated. Returns undefined when there was nothing
 * to fold in; "stop" when the agent failed (the provider failed, or nothing fits the window).
 */
export async function compactionStep(
  kernel: RuntimeKernel,
  running: AgentRow,
  request: CompactionRequest,
): Promise<StepOutcome | undefined> {
  let windowTokens = request.windowTokens;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const summaryTokens = summaryOutputTokens(windowTokens);
    const promptTokens = estimateTokens(summarizingPrompt);
    const plan = planCompaction(request.entries, {
      windowTokens,
      overheadTokens: promptTokens + summaryTokens,
      force: request.force,
    });
    if (!plan) {
      if (!request.force) return undefined;
      await failAgent(
        kernel,
        running,
        `the prompt is longer than the model's context window (${request.windowTokens} tokens) even after compaction: the brief, the decisions and the tools alone do not fit`,
      );
      return "stop";
    }
    const text = summaryRequestText(plan, {
      maxTokens: windowTokens * contextShares.summaryInput - promptTokens,
      summaryTokens,
    });
    let summary: string;
    let usage: Usage;
    try {
      const result = await kernel.resolveProvider(request.ref).turn({
        model: request.ref.model,
        system: summarizingPrompt,
        messages: [{ role: "user", parts: [{ type: "text", text }] }],
        tools: [],
        maxOutputTokens: summaryTokens,
        signal: request.signal,
      });
      summary = textOf(result.message).trim() || "(The summary came back empty.)";
      usage = result.usage;
    } catch (error) {
      throwIfInterruptedByShutdown(kernel, request.signal, running, {
        message: "summary call interrupted by shutdown; the next instance compacts again",
      });
      if (request.signal.aborted) throw new StepConflictError(running.id, running.step);
      if (error instanceof ContextWindowExceededError && attempt < attempts) {
        windowTokens = Math.floor(Math.min(windowTokens, error.limitTokens ?? windowTokens) / 2);
        continue;
      }
      const reason =
        error instanceof ProviderError ? error.message : `model call failed: ${errorMessage(error)}`;
      await failAgent(kernel, running, `compacting the transcript failed: ${reason}`);
      return "stop";
    }
    await storeSummary(kernel, running, request, plan.through, summary, usage);
    return "continue";
  }
  return undefined;
}

async function storeSummary(
  kernel: RuntimeKernel,
  running: AgentRow,
  request: CompactionRequest,
  through: number,
  summary: string,
  callUsage: Usage,
): Promise<void> {
  const usage = addUsage(callUsage, request.discardedUsage ?? emptyUsage);
  const cost = costMicros(request.ref, usage, kernel.config.priceOverrides);
  await persistStep(
    kernel.db,
    running.id,
    running.step,
    { addUsage: { usage, costMicros: cost } },
    async (transaction, row) => {
      await appendStepMessage(transaction, row, request.seq, {
        role: "user",
        parts: [{ type: "text", text: summary, summarizesThrough: through }],
      });
      await recordUsage(transaction, {
        sessionId: row.sessionId,
        agentId: row.id,
        step: running.step,
        provider: request.ref.provider,
        model: request.ref.model,
        usage,
        costMicros: cost,
      });
    },
  );
  kernel.logger.info(
    { agentId: running.id, through, forced: request.force === true, summaryCharacters: summary.length },
    "transcript compacted",
  );
}
