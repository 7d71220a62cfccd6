import type { AgentRow } from "../adapters/database/agents.ts";
import { type ChatMessage, textOf, toolCallsOf } from "../domain/messages.ts";
import type { RuntimeKernel } from "./kernel.ts";

/** What the thread reads when the model ended a person's turn with neither words nor a tool call. */
export const emptyTurnReason = "the model ended its turn without a reply";

/** Whether the transcript ends in an assistant message with no text and no tool call. */
export function endsWithoutReply(transcript: readonly ChatMessage[]): boolean {
  const last = transcript.at(-1);
  return last?.role === "assistant" && textOf(last).trim() === "" && toolCallsOf(last).length === 0;
}

/**
 * Tells the thread that the supervisor's turn ended without an answer; every such end of a
 * person's turn must be visible. `step` is the step that ended it, so a repeat after a restart
 * carries the same `failureId` and surfaces show it once.
 */
export function announceTurnFailed(
  kernel: RuntimeKernel,
  supervisor: Pick<AgentRow, "id" | "sessionId">,
  step: number,
  reason: string,
): void {
  kernel.logger.warn({ agentId: supervisor.id, sessionId: supervisor.sessionId, reason }, "turn failed");
  kernel.emit({
    type: "turn-failed",
    sessionId: supervisor.sessionId,
    agentId: supervisor.id,
    failureId: `${supervisor.id}:${step}`,
    reason,
    retryable: true,
  });
}
