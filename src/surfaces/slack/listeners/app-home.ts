import type { App } from "@slack/bolt";
import type { SessionSnapshot } from "../../../domain/sessions.ts";
import { auditIds } from "../blocks/action-ids.ts";
import { renderAppHome } from "../blocks/app-home.ts";
import { scheduleBlocks } from "../blocks/schedule-blocks.ts";
import { spendBlocks } from "../blocks/spend-limits.ts";
import { mayChangeSettings } from "../channel-settings/settings-admin.ts";
import { auditSubcommand } from "../commands/audit-subcommand.ts";
import { eventScope } from "../event-scope.ts";
import { spendHome } from "../spend-home.ts";
import type { SlackSurfaceContext } from "../surface-context.ts";
import { teamScopeOf } from "../team-scope-of.ts";
import { actionValue, clickTarget } from "./interaction.ts";

const suggestedPrompts = [
  { title: "Fix a failing test", message: "The tests in our repo are failing. Find out why and fix them." },
  { title: "Review a change", message: "Review the latest changes on main and point out risks." },
  {
    title: "Split a task",
    message: "Plan this feature, split it across agents, and open a branch per part: ",
  },
  { title: "What can you do?", message: "What can you do, and which repositories can you work on?" },
];

async function permalinkOf(
  context: SlackSurfaceContext,
  session: SessionSnapshot,
): Promise<string | undefined> {
  const channel = session.metadata.channel;
  const threadTs = session.metadata.threadTs;
  if (typeof channel !== "string" || typeof threadTs !== "string") return undefined;
  try {
    const response = await context.api.call("chat.getPermalink", { channel, message_ts: threadTs });
    return typeof response.permalink === "string" ? response.permalink : undefined;
  } catch {
    return undefined;
  }
}

/** The spend section for the viewer's own team; none without spend limits' storage. */
async function spendSection(context: SlackSurfaceContext, userId: string, teamId: string | undefined) {
  const scope = await teamScopeOf(context, teamId);
  const home = scope ? await spendHome(context, scope, userId) : undefined;
  return home ? spendBlocks(home) : [];
}

/** Publishes `userId`'s App Home tab: their schedules (when there are), spend and recent sessions. */
export async function publishHome(
  context: SlackSurfaceContext,
  userId: string,
  teamId?: string,
): Promise<void> {
  // The tab lists only the viewer's own sessions; a known foreign user or a bot gets nothing.
  const actor = { userId, userTeam: undefined, channel: undefined, mayBeShared: false };
  if (!(await context.access.check(actor, "view")).allowed) return;
  // With many installations, only the sessions of the workspace whose App Home this is.
  const sessions = await context.runtime.listSessionsForUser(
    userId,
    15,
    context.scope ? { keyPrefix: `${context.scope.teamId}:` } : undefined,
  );
  const ratings = await context.store.feedbackCounts(sessions.map((session) => session.id));
  const rows = await Promise.all(
    sessions.map(async (session) => ({
      session,
      permalink: await permalinkOf(context, session),
      feedback: ratings.get(session.id),
    })),
  );
  const schedules = context.schedules
    ? scheduleBlocks(await context.schedules.listOf(userId, context.scope))
    : [];
  const settingsButton = context.channelSettings
    ? await mayChangeSettings(context, context.channelSettings, { ...actor, channel: undefined })
    : false;
  const homeTeam = context.scope?.teamId ?? teamId;
  const auditButtons = Boolean(context.audit && homeTeam && (await context.admins.isAdmin(userId, homeTeam)));
  const spend = await spendSection(context, userId, teamId);
  await context.api.call("views.publish", {
    user_id: userId,
    view: renderAppHome(rows, [...spend, ...schedules], { settingsButton, auditButtons }),
  });
}

/**
 * Under `agent_view` the prompts sit at the top of the Messages tab, not in a thread: Slack
 * silently drops a call that names a `thread_ts` (assistant.threads.setSuggestedPrompts).
 */
async function suggest(context: SlackSurfaceContext, channel: string) {
  try {
    await context.api.call("assistant.threads.setSuggestedPrompts", {
      channel_id: channel,
      title: "Try asking Threadwork to…",
      prompts: suggestedPrompts,
    });
  } catch (error) {
    context.logger.debug({ err: error }, "could not set suggested prompts");
  }
}

/**
 * The App Home tab lists the user's recent sessions with how people rated their answers;
 * opening the Messages tab (the agent view's replacement for `assistant_thread_started`)
 * sets the suggested prompts.
 */
export function register(app: App, shared: SlackSurfaceContext): void {
  app.event("app_home_opened", async ({ event, body, context: boltContext }) => {
    const context = shared.forInstallation(eventScope(boltContext));
    if (event.tab === "home") {
      await context.track(publishHome(context, event.user, body.team_id));
    } else if (event.tab === "messages") {
      await context.track(suggest(context, event.channel));
    }
  });
  // Export CSV / JSON: the same export as `/threadwork audit`, which checks the clicker again.
  app.action(
    new RegExp(`^${auditIds.exportFromHome}_`),
    async ({ ack, body, action, context: boltContext }) => {
      await ack();
      const context = shared.forInstallation(eventScope(boltContext));
      const target = clickTarget(body);
      if (!target) return;
      const reply = async (text: string) => {
        await context.api.call("chat.postMessage", { channel: target.user, text });
      };
      await context.track(
        auditSubcommand.run({
          context,
          text: actionValue(action) === "json" ? "json" : "csv",
          userId: target.user,
          channelId: target.user,
          teamId: target.teamId,
          triggerId: target.triggerId,
          reply,
        }),
      );
    },
  );
}
