import type { AgentRow } from "../adapters/database/agents.ts";
import { findRequestForToolCall } from "../adapters/database/requests.ts";
import type { AnyTool } from "../domain/tool.ts";
import type { RuntimeKernel } from "./kernel.ts";
import type { ToolOutcome } from "./step-outcome.ts";
import { waitForHuman } from "./waits.ts";

/** Where a question stands: answered, waiting for a person, or withdrawn with this outcome. */
type QuestionResult = { answer: string } | "wait" | ToolOutcome;

/**
 * Asks a person before the call runs. The question is a request keyed by the tool-call id,
 * so it is asked once and a resumed step finds its answer.
 */
export async function questionGate(
  kernel: RuntimeKernel,
  agent: AgentRow,
  call: { id: string },
  question: NonNullable<AnyTool["question"]>,
  input: unknown,
): Promise<QuestionResult> {
  const existing = await findRequestForToolCall(kernel.db, agent.id, call.id);
  if (!existing || existing.status === "pending") {
    const { prompt, choices } = question(input);
    await waitForHuman(kernel, agent, { kind: "question", toolCallId: call.id, prompt, choices });
    return "wait";
  }
  if (existing.status !== "answered") {
    return {
      output: "The question was withdrawn before anyone answered.",
      isError: true,
      status: "rejected",
    };
  }
  return { answer: existing.answer ?? "" };
}
