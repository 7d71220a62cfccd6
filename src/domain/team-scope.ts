/**
 * Which installation something belongs to: a Slack workspace (`teamId`), inside an Enterprise
 * Grid organization when `enterpriseId` is set. Every row a team can see or be billed for
 * (sessions, settings, spend, audit, rules) carries it, and every query filters by it, so one
 * workspace never sees, affects or pays for another's work.
 */
export interface TeamScope {
  teamId: string;
  enterpriseId: string | undefined;
}

export function sameTeam(left: TeamScope, right: TeamScope): boolean {
  return left.teamId === right.teamId && (left.enterpriseId ?? null) === (right.enterpriseId ?? null);
}
