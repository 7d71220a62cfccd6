import type { AgentRow } from "../adapters/database/agents.ts";
import { stepUsageRow } from "../adapters/database/usage.ts";
import { type ChatMessage, textOf, toolCallsOf } from "../domain/messages.ts";
import type { ModelRef } from "../domain/model.ts";
import { redactMessage } from "../domain/secret-redaction.ts";
import { persistStepCompletingWorker } from "./complete-worker.ts";
import type { RuntimeKernel } from "./kernel.ts";
import type { CompletedTurn } from "./model-call.ts";
import type { StepOutcome } from "./step-outcome.ts";

/**
 * Stores the model's message with the turn's usage in one step. A worker's message without
 * tool calls ends its work; a supervisor's text is announced as a reply under `turnId`.
 */
export async function recordTurn(
  kernel: RuntimeKernel,
  running: AgentRow,
  seq: number,
  ref: ModelRef,
  { result, costMicros }: CompletedTurn,
  turnId: string,
): Promise<StepOutcome> {
  const isSupervisor = running.role === "supervisor";
  // Secrets the model wrote (a token in a command) are redacted before anything stores, shows or runs them.
  const message: ChatMessage =
    result.message.parts.length > 0
      ? redactMessage(result.message)
      : { role: "assistant", parts: [{ type: "text", text: "" }] };
  const text = textOf(message);
  const endsWork = !isSupervisor && toolCallsOf(message).length === 0;
  const usage = result.usage;
  const { agent: persisted, completed } = await persistStepCompletingWorker(kernel, running, {
    patch: { addUsage: { usage, costMicros } },
    message: { seq, message },
    rows: [stepUsageRow({ step: running.step, provider: ref.provider, model: ref.model, usage, costMicros })],
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
