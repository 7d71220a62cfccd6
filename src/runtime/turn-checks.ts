import type { AgentRow } from "../adapters/database/agents.ts";
import type { ChatMessage } from "../domain/messages.ts";
import { turnsSinceLastInput } from "../domain/transcript.ts";
import { ensureRunning, failAgent } from "./agent-status.ts";
import { budgetGate } from "./budget-gate.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { spendLimitGate } from "./spend-limit-gate.ts";

/** What the step's read found for its turn (`loadStepState`). */
export interface ModelStepChecks {
  /** The session has a budget: it is checked before the turn. */
  budgeted: boolean;
  involvesHumans: boolean;
}

/**
 * The checks before a model turn: the turn limit, then the session budget, then the agent's
 * slot (a queued worker waits for it). Returns the running agent, or undefined when the turn
 * does not happen now.
 */
export async function checkBeforeTurn(
  kernel: RuntimeKernel,
  agent: AgentRow,
  transcript: readonly ChatMessage[],
  checks: ModelStepChecks,
): Promise<AgentRow | undefined> {
  // A worker's turns are capped over its life; a supervisor's per message or event it handles.
  const turns = agent.role === "supervisor" ? turnsSinceLastInput(transcript) : agent.turns;
  if (turns >= kernel.config.limits.maxTurns) {
    await failAgent(kernel, agent, `reached the turn limit (${kernel.config.limits.maxTurns} turns)`);
    return undefined;
  }
  if ((await budgetGate(kernel, agent, checks.budgeted)) === "stop") return undefined;
  if ((await spendLimitGate(kernel, agent)) === "stop") return undefined;
  return ensureRunning(kernel, agent);
}
