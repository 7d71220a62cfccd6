import type { McpElicitation, McpElicitationAnswer } from "../../src/domain/mcp.ts";
import type { AgentToolContext } from "../../src/tools/agent/agent-tool-context.ts";

/** What each scenario's `elicit` returned, or "aborted" when it rejected. */
export type ElicitationOutcomes = Map<string, McpElicitationAnswer | "aborted">;

/** Asks the scenario's elicitation through the runtime and records how it ended. */
export async function elicitAndRecord(
  context: AgentToolContext,
  scenario: string,
  elicitations: Record<string, McpElicitation>,
  outcomes: ElicitationOutcomes,
): Promise<string> {
  const elicitation = elicitations[scenario];
  if (!elicitation) throw new Error("unknown scenario");
  try {
    const answer = await context.services.elicit(elicitation);
    outcomes.set(scenario, answer);
    return JSON.stringify(answer);
  } catch (error) {
    outcomes.set(scenario, "aborted");
    throw error;
  }
}
