import type { SessionSnapshot } from "../../domain/sessions.ts";
import { conversationKey, slackSurface } from "./session-threads.ts";
import type { SlackSurfaceContext } from "./surface-context.ts";

/**
 * The session of the thread a click came from. A session is keyed by the workspace its first
 * message arrived from, but an org-wide install on Enterprise Grid sends clicks with `team: null`,
 * and a clicker from a sibling workspace has a `user.team_id` of their own. So each team the
 * payload or the install names is tried in turn: channel ids are unique across Slack, so a
 * thread has one session whichever key finds it.
 */
export async function findThreadSession(
  context: Pick<SlackSurfaceContext, "runtime" | "workspace">,
  target: {
    teamId: string | undefined;
    userTeam: string | undefined;
    enterpriseId?: string | undefined;
    channel: string | undefined;
    threadTs: string | undefined;
  },
): Promise<SessionSnapshot | undefined> {
  const { channel, threadTs } = target;
  if (!channel || !threadTs) return undefined;
  const home = await context.workspace.get().catch(() => undefined);
  const teams = [target.teamId, target.userTeam, target.enterpriseId, home?.teamId, home?.enterpriseId];
  for (const team of new Set(teams)) {
    if (!team) continue;
    const session = await context.runtime.findSession({
      surface: slackSurface,
      conversationKey: conversationKey(team, channel, threadTs),
    });
    if (session) return session;
  }
  return undefined;
}
