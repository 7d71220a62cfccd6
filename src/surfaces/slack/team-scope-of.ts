import type { TeamScope } from "../../domain/team-scope.ts";
import type { SlackSurfaceContext } from "./surface-context.ts";

/**
 * The team a command or App Home view belongs to: the one Slack named, else the installing one.
 * Sessions name no organization yet (their metadata holds the team), so spend limits are kept by
 * team alone until installations say more.
 */
export async function teamScopeOf(
  context: SlackSurfaceContext,
  teamId: string | undefined,
): Promise<TeamScope | undefined> {
  const team = teamId ?? (await context.workspace.get()).teamId;
  return team ? { teamId: team, enterpriseId: undefined } : undefined;
}
