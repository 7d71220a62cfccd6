import type { AgentRow } from "../adapters/database/agents.ts";
import { getToolCall } from "../adapters/database/tool-calls.ts";
import type { ToolCallPart } from "../domain/messages.ts";
import { type AnyTool, parseWorkspace, riskOf, type ToolCallScope, type ToolRisk } from "../domain/tool.ts";
import type { RuntimeKernel } from "./kernel.ts";
import type { SettledToolCall } from "./step-outcome.ts";
import { replayOf } from "./tool-result.ts";

/** A call that may go on to its gate: the tool, the parsed input and what running it risks. */
export interface ResolvedToolCall {
  tool: AnyTool;
  input: unknown;
  scope: ToolCallScope;
  risk: ToolRisk;
  /** The question the tool asks a person before it runs, if it asks one. */
  question: AnyTool["question"];
  /** Safe and needs nobody: its audit row was not read (see `runToolCall`). */
  direct: boolean;
}

function rejected(output: string): SettledToolCall {
  return { risk: "safe", outcome: { output, isError: true, status: "rejected" } };
}

/**
 * Finds the tool, parses the input once and reads the audit row. A call with an audit row
 * is settled by replaying it; an unknown tool or invalid input is settled as rejected.
 */
export async function resolveToolCall(
  kernel: RuntimeKernel,
  agent: AgentRow,
  call: ToolCallPart,
  tools: AnyTool[],
): Promise<ResolvedToolCall | SettledToolCall> {
  const tool = tools.find((candidate) => candidate.name === call.name);
  const question = tool?.question;
  const parsed = tool?.input.safeParse(call.input ?? {});
  const scope: ToolCallScope = {
    sessionId: agent.sessionId,
    agentId: agent.id,
    repoName: parseWorkspace(agent.workspace)?.repoName,
  };
  const risk = tool && parsed?.success ? riskOf(tool, parsed.data, scope) : "safe";
  // A safe call that needs nobody skips this read: inserting its `started` row finds an
  // existing audit row just as well, and then the call is replayed, not run.
  const direct = Boolean(tool && !question && parsed?.success && risk === "safe");
  const audit = direct ? undefined : await getToolCall(kernel.db, agent.id, call.id);
  if (audit) return replayOf(audit);
  if (!tool || !parsed) {
    const known = tools.map((candidate) => candidate.name).join(", ");
    return rejected(`Unknown tool "${call.name}". Available tools: ${known}.`);
  }
  if (!parsed.success) return rejected(`Invalid input for ${call.name}: ${parsed.error.message}`);
  return { tool, input: parsed.data, scope, risk, question, direct };
}
