import type { Database } from "../../adapters/database/open-database.ts";
import {
  clearTeamSpendLimit,
  extensionOf,
  type SpendOverview,
  setTeamSpendLimit,
  spendOverview,
  spentAgainst,
  teamSpendLimits,
} from "../../adapters/database/spend-limits.ts";
import {
  limitsInForce,
  type SpendLimitAmounts,
  type SpendLimitKind,
  type SpendLimitTarget,
} from "../../domain/spend-limits.ts";
import type { TeamScope } from "../../domain/team-scope.ts";

/** Spend limits as the Slack surface reads and sets them, always for one team. */
export interface SpendLimitStore {
  /** The limits in force for the team, and which of them the team set itself. */
  limits(scope: TeamScope): Promise<{ inForce: SpendLimitAmounts; team: SpendLimitAmounts }>;
  set(scope: TeamScope, kind: SpendLimitKind, amountMicros: number, setBy: string): Promise<void>;
  clear(scope: TeamScope, kind: SpendLimitKind): Promise<void>;
  overview(scope: TeamScope, now: Date): Promise<SpendOverview>;
  /** Spent against one limit in its period, and the limit with that period's extensions. */
  standing(
    target: SpendLimitTarget,
    baseMicros: number,
  ): Promise<{ spentMicros: number; limitMicros: number }>;
}

export function createDatabaseSpendLimitStore(db: Database, configured: SpendLimitAmounts): SpendLimitStore {
  return {
    async limits(scope) {
      const team = await teamSpendLimits(db, scope);
      return { inForce: limitsInForce(configured, team), team };
    },
    set: (scope, kind, amountMicros, setBy) => setTeamSpendLimit(db, scope, { kind, amountMicros, setBy }),
    clear: (scope, kind) => clearTeamSpendLimit(db, scope, kind),
    overview: (scope, now) => spendOverview(db, scope, now),
    async standing(target, baseMicros) {
      return {
        spentMicros: await spentAgainst(db, target),
        limitMicros: baseMicros + (await extensionOf(db, target)),
      };
    },
  };
}
