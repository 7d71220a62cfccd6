import type { TeamScope } from "../../domain/team-scope.ts";

/**
 * The installation an event, click or command arrived for, as Bolt's `authorize` settled it;
 * undefined when Bolt could not say, and then nothing is called for it.
 */
export function eventScope(boltContext: { teamId?: string; enterpriseId?: string }): TeamScope | undefined {
  if (!boltContext.teamId) return undefined;
  return { teamId: boltContext.teamId, enterpriseId: boltContext.enterpriseId || undefined };
}
