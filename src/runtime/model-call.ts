import type { AgentRow } from "../adapters/database/agents.ts";
import {
  ContextWindowExceededError,
  errorMessage,
  errorType,
  ProviderError,
  StepConflictError,
} from "../domain/errors.ts";
import type { ChatMessage, ToolSchema } from "../domain/messages.ts";
import type { ModelRef, ModelTurnResult } from "../domain/model.ts";
import { costOf } from "../domain/pricing.ts";
import { fenceToolResults } from "../domain/prompts/untrusted-data.ts";
import type { Measurement, ModelCallEnd } from "../domain/telemetry-port.ts";
import { normalizeTranscript } from "../domain/transcript.ts";
import { failAgent } from "./agent-status.ts";
import { type CompactionRequest, compactionStep } from "./compaction-step.ts";
import { withImageData } from "./image-parts.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { throwIfInterruptedByShutdown } from "./shutdown-interruption.ts";
import { telemetryAgent } from "./snapshots.ts";
import type { StepOutcome } from "./step-outcome.ts";

/** The prompt of one turn, as the step put it together. */
export interface TurnPrompt {
  ref: ModelRef;
  system: string;
  tools: ToolSchema[];
  /** The transcript as the model sees it (`contextView`). */
  view: readonly ChatMessage[];
  /** The cached prefix must outlive a wait on a person. */
  cacheRetention: "long" | "short";
  /** Streams the reply's text as it comes (a supervisor's), under this turn id. */
  streamTurnId?: string;
}

/** A turn the provider completed, with what it cost. */
export interface CompletedTurn {
  result: ModelTurnResult;
  costMicros: number;
}

/**
 * Asks the provider for the turn. A prompt the provider refuses as too long, or an output cut
 * where the window ends, gets a forced compaction and the turn is asked again in the next step;
 * any other failure ends the agent. Returns the step's outcome when the turn did not complete.
 */
export async function callModel(
  kernel: RuntimeKernel,
  running: AgentRow,
  prompt: TurnPrompt,
  compaction: CompactionRequest,
): Promise<CompletedTurn | StepOutcome> {
  const { ref, streamTurnId } = prompt;
  const signal = compaction.signal;
  const streaming = streamTurnId !== undefined;
  let result: ModelTurnResult;
  const measurement = kernel.telemetry.modelCall(telemetryAgent(running), {
    provider: ref.provider,
    model: ref.model,
    streaming,
  });
  try {
    const provider = kernel.resolveProvider(ref);
    result = await provider.turn({
      model: ref.model,
      system: prompt.system,
      messages: await withImageData(kernel, ref, fenceToolResults(normalizeTranscript(prompt.view))),
      tools: prompt.tools,
      cacheRetention: prompt.cacheRetention,
      signal,
      stream: streaming,
      ...(streaming
        ? {
            onTextDelta: (delta: string) =>
              kernel.emit({
                type: "reply-delta",
                sessionId: running.sessionId,
                agentId: running.id,
                turnId: streamTurnId,
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

  const costMicros = endMeasurement(kernel, measurement, ref, result);
  if (result.stopReason === "context_window_exceeded") {
    // The output was cut where the window ends: make room and ask again, paying for the cut turn.
    return (
      (await compactionStep(kernel, running, { ...compaction, force: true, discardedUsage: result.usage })) ??
      "stop"
    );
  }
  return { result, costMicros };
}

/** Ends the call's measurement with its usage and, where the model has a price, its cost. */
function endMeasurement(
  kernel: RuntimeKernel,
  measurement: Measurement<ModelCallEnd>,
  ref: ModelRef,
  result: ModelTurnResult,
): number {
  const { micros, priced } = costOf(ref, result.usage, kernel.config.priceOverrides);
  measurement.end({
    usage: result.usage,
    costMicros: priced ? micros : undefined,
    responseId: result.responseId,
    stopReason: result.stopReason,
  });
  return micros;
}
