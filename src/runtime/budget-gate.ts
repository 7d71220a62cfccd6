import type { AgentRow } from "../adapters/database/agents.ts";
import { pendingBudgetRequest } from "../adapters/database/session-budget.ts";
import { getSession } from "../adapters/database/sessions.ts";
import { sessionUsageTotals } from "../adapters/database/usage.ts";
import { budgetExceeded } from "../domain/budget.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { decidedPause, pauseForSpend } from "./spend-pause.ts";

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
  const decided = await decidedPause(kernel, agent, key);
  if (decided === "allowed" || decided === "stop") return decided;
  const reason = budgetExceeded(
    { budgetMicros: session.budgetMicros, budgetTokens: session.budgetTokens },
    await sessionUsageTotals(kernel.db, agent.sessionId),
  );
  if (reason === undefined) return "allowed";
  return pauseForSpend(kernel, agent, {
    own: decided.open,
    pendingForSession: () => pendingBudgetRequest(kernel.db, agent.sessionId),
    request: {
      kind: "budget",
      toolCallId: key,
      prompt: `${reason} Extend the budget or stop the session's agents?`,
      choices: ["extend", "stop"],
    },
  });
}
