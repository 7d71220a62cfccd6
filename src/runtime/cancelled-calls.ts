import type { AgentRow } from "../adapters/database/agents.ts";
import { getToolCall } from "../adapters/database/tool-calls.ts";
import type { TranscriptEntry } from "../adapters/database/transcript.ts";
import { unresolvedToolCalls } from "../domain/transcript.ts";
import type { RuntimeKernel } from "./kernel.ts";
import type { StepOutcome } from "./step-outcome.ts";
import { persistToolResult, replayOf } from "./tool-result.ts";

const notRunMessage = "Cancelled: the agent was stopped before this call ran; it did not run.";

/**
 * A cancelled worker runs nothing more, but every tool call of its last assistant message keeps
 * a result (both providers refuse a tool call without one): one a Stop caught waiting for an
 * approval, or queued behind the call it interrupted, is answered "cancelled", one step each.
 * A call with an audit row gets its recorded outcome (or "interrupted"), as on any replay.
 */
export async function answerCallsOfCancelledWorker(
  kernel: RuntimeKernel,
  agent: AgentRow,
  entries: TranscriptEntry[],
): Promise<StepOutcome> {
  const [call] = unresolvedToolCalls(entries.map((entry) => entry.message));
  if (!call) return "stop";
  const seq = (entries.at(-1)?.seq ?? -1) + 1;
  const audit = await getToolCall(kernel.db, agent.id, call.id);
  const settled = audit
    ? replayOf(audit)
    : {
        risk: "safe" as const,
        outcome: { output: notRunMessage, isError: true, status: "cancelled" as const },
      };
  await persistToolResult(kernel, agent, seq, call, settled);
  return "continue";
}
