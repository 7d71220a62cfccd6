import type { Usage } from "./messages.ts";

export interface SessionBudget {
  budgetMicros: number | null;
  budgetTokens: number | null;
}

interface SessionSpend {
  costMicros: number;
  usage: Usage;
}

function tokensOf(usage: Usage): number {
  return usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}

/** Why the session may not start another model turn, or undefined when it may. */
export function budgetExceeded(budget: SessionBudget, spend: SessionSpend): string | undefined {
  if (budget.budgetMicros !== null && spend.costMicros >= budget.budgetMicros) {
    return `The session spent $${(spend.costMicros / 1e6).toFixed(4)} of its $${(budget.budgetMicros / 1e6).toFixed(4)} budget.`;
  }
  const tokens = tokensOf(spend.usage);
  if (budget.budgetTokens !== null && tokens >= budget.budgetTokens) {
    return `The session used ${tokens} of its ${budget.budgetTokens} token budget.`;
  }
  return undefined;
}

/** An extension adds the initial budget again (or doubles it when there was none configured). */
export function extendedBudget(budget: SessionBudget, initial: SessionBudget): SessionBudget {
  return {
    budgetMicros:
      budget.budgetMicros === null
        ? null
        : budget.budgetMicros + (initial.budgetMicros ?? budget.budgetMicros),
    budgetTokens:
      budget.budgetTokens === null
        ? null
        : budget.budgetTokens + (initial.budgetTokens ?? budget.budgetTokens),
  };
}
