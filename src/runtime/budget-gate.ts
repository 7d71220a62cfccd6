import type { AgentRow } from "../adapters/database/agents.ts";
import { findRequestForToolCall } from "../adapters/database/requests.ts";
import { pendingBudgetRequest, stoppedSinceLastUserMessage } from "../adapters/database/session-budget.ts";
import { getSession } from "../adapters/database/sessions.ts";
import { sessionUsageTotals } from "../adapters/database/usage.ts";
import { budgetExceeded } from "../domain/budget.ts";
import { restSupervisor } from "./agent-status.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { announceRequest, parkAgent, waitForHuman } from "./waits.ts";

/**
 * Checks the session budget before a turn. Over it, the agent waits on a budget request
 * keyed by its current step, so a resume finds the same request. "stop" when the turn may not
 * go ahead now (the agent waits, or a supervisor rests).
 */
export async function budgetGate(
  kernel: RuntimeKernel,
  agent: AgentRow,
  budgeted: boolean,
): Promise<"allowed" | "stop"> {
  if (!budgeted) return "allowed";
  const session = await getSession(kernel.db, agent.sessionId);
  if (!session || (session.budgetMicros === null && session.budgetTokens === null)) return "allowed";
  const key = `budget:${agent.step}`;
  const own = await findRequestForToolCall(kernel.db, agent.id, key);
  if (own && (own.status === "extended" || own.status === "approved")) return "allowed";
  if (own && own.status !== "pending") {
    // Stopped or cancelled: the stop handler already cancelled the workers.
    if (agent.role === "supervisor") await restSupervisor(kernel, agent);
    return "stop";
  }
  const reason = budgetExceeded(
    { budgetMicros: session.budgetMicros, budgetTokens: session.budgetTokens },
    await sessionUsageTotals(kernel.db, agent.sessionId),
  );
  if (reason === undefined) return "allowed";
  if (agent.role === "supervisor" && (await stoppedSinceLastUserMessage(kernel.db, agent))) {
    // The user said stop; ask again only when they write again.
    await restSupervisor(kernel, agent);
    return "stop";
  }
  const pending = own ?? (await pendingBudgetRequest(kernel.db, agent.sessionId));
  if (pending) {
    if (agent.status !== "waiting") await parkAgent(kernel, agent);
    announceRequest(kernel, pending, agent.title);
    return "stop";
  }
  await waitForHuman(kernel, agent, {
    kind: "budget",
    toolCallId: key,
    prompt: `${reason} Extend the budget or stop the session's agents?`,
    choices: ["extend", "stop"],
  });
  return "stop";
}
