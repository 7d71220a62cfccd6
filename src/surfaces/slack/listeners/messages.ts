import type { App } from "@slack/bolt";
import { fetchSharedFiles } from "../../../adapters/slack/shared-files.ts";
import {
  isFromPerson,
  mentions,
  messageText,
  type SlackMessage,
  slackMessageSchema,
} from "../../../adapters/slack/slack-message.ts";
import type { SharedFile } from "../../../domain/shared-files.ts";
import type { ThreadPlace } from "../../../domain/thread-messages.ts";
import type { Logger } from "../../../logger.ts";
import { admit } from "../admit.ts";
import { announceSettings, settingsToStart } from "../channel-settings/new-session-settings.ts";
import { postEphemeral } from "../ephemeral.ts";
import { eventScope } from "../event-scope.ts";
import { conversationKey, slackSurface } from "../session-threads.ts";
import type { SlackSurfaceContext } from "../surface-context.ts";
import { keepThreadMessage, type ThreadContext, threadContext } from "../thread-context.ts";
import { routeThreadReply } from "./thread-replies.ts";

/** Told once a window to someone whose replies wait for the next turn. */
export const heldReplyNote =
  "Threadwork keeps your reply and reads it with its next turn in this thread. Replies from people other than the one who started the session do not each start a turn, so there may be no answer until then.";

interface Incoming {
  eventId: string;
  teamId: string;
  /** The organization of the installation the event came through (Enterprise Grid). */
  enterpriseId: string | undefined;
  /** Whether the envelope says the channel is shared with another organization (or says nothing). */
  mayBeShared: boolean;
  message: SlackMessage;
  botUserId: string | undefined;
  botId: string | undefined;
}

/**
 * Once per Slack message: retries share an `event_id`, and a mention inside a thread
 * arrives twice (`app_mention` and `message`) with the same channel and ts.
 */
async function firstDelivery(
  context: SlackSurfaceContext,
  incoming: Incoming,
  channel: string,
): Promise<boolean> {
  if (!(await context.store.claimInboundEvent("slack-event", incoming.eventId))) return false;
  return context.store.claimInboundEvent("slack-message", `${channel}:${incoming.message.ts}`);
}

/** The first sign a message was seen; a new session's carries its title and who started it. */
function firstFeedback(
  context: SlackSurfaceContext,
  where: { teamId: string; enterpriseId: string | undefined; channel: string; threadTs: string },
  message: { ts: string; receivedAt: number; startsSession?: { title: string; initiatorUserId: string } },
): Promise<void> {
  const arrivedAt = context.responses.arrived(where, message.receivedAt);
  return context.sessions
    .started(where, { messageTs: message.ts, ...message.startsSession })
    .then((shown) => {
      if (shown) context.responses.feedbackShown(arrivedAt);
    });
}

async function deliver(context: SlackSurfaceContext, incoming: Incoming, options: { mustExist: boolean }) {
  const receivedAt = Date.now();
  const { message, teamId } = incoming;
  const channel = message.channel;
  if (!channel || !message.user) return;
  const threadTs = message.thread_ts ?? message.ts;
  const key = { surface: slackSurface, conversationKey: conversationKey(teamId, channel, threadTs) };
  const existing = await context.runtime.findSession(key);
  if (options.mustExist && !existing) return;
  if (!(await firstDelivery(context, incoming, channel))) return;
  const actor = {
    userId: message.user,
    userTeam: message.user_team ?? message.team,
    channel,
    mayBeShared: incoming.mayBeShared,
  };
  if (!(await admit(context, actor, existing ? "steer" : "start", { threadTs: message.thread_ts }))) return;
  const where = { teamId, channel, userId: message.user, threadTs: message.thread_ts };
  const starting = existing ? undefined : await settingsToStart(context, where);
  if (starting === "refused") return;

  const text = messageText(message, incoming.botUserId);
  const place = { teamId, enterpriseId: incoming.enterpriseId, channel, threadTs };
  // Kept alongside, so nothing waits on it before the first feedback.
  const kept = existing ? keepMessage(context, incoming, place, text, existing.id) : undefined;
  // The same `thread` (and session) the runtime's lifecycle lines carry.
  const logger = context.logger.child({
    thread: `${key.surface}:${key.conversationKey}`,
    ...(existing ? { sessionId: existing.id } : {}),
  });
  // A reply addressed to one worker is a steer; one addressed to other people starts nothing.
  const route = existing
    ? await routeThreadReply(context, {
        session: existing,
        userId: message.user,
        rawText: message.text,
        text,
        plainReply: options.mustExist && message.channel_type !== "im",
        botUserId: incoming.botUserId,
        channel,
        threadTs,
      })
    : "message";
  if (route === "steered") {
    await kept;
    return;
  }
  const aside = route === "aside";
  const byOwner = !existing || existing.ownerId === message.user;
  // The owner's first feedback goes out before anything slow (history, names, the runtime).
  // Anyone else's reply is data that may only wait for the next turn: it shows nothing, and
  // a turn it starts shows itself when its answer streams.
  const feedback =
    byOwner && !aside
      ? firstFeedback(
          context,
          { teamId, enterpriseId: incoming.enterpriseId, channel, threadTs },
          {
            ts: message.ts,
            receivedAt,
            ...(existing ? {} : { startsSession: { title: text, initiatorUserId: message.user } }),
          },
        )
      : undefined;
  // The owner's own team, for streams' recipient_team_id: the payload says it when they wrote this.
  const known = existing && !byOwner ? await context.threads.get(existing.id) : undefined;
  const thread = {
    teamId,
    enterpriseId: incoming.enterpriseId,
    channel,
    threadTs,
    ownerId: existing?.ownerId ?? message.user,
    ownerTeamId: byOwner ? (message.user_team ?? message.team) : known?.ownerTeamId,
  };
  let earlier: ThreadContext | undefined;
  if (!existing && message.thread_ts && message.thread_ts !== message.ts) {
    earlier = await threadContext(context, place, {
      beforeTs: message.ts,
      botUserId: incoming.botUserId,
      botId: incoming.botId,
      logger,
    });
  }
  const attachments = await sharedFilesOf(context, message, channel, logger);
  // Before the session's first reply can stream: the thread opens with the settings in force.
  if (starting?.line) await announceSettings(context, { channel, threadTs }, starting.line);
  try {
    const outcome = await context.runtime.handle({
      type: "user-message",
      key,
      userId: message.user,
      userName: await context.users.nameOf(message.user),
      text,
      ...(earlier && earlier.history.length > 0 ? { history: earlier.history } : {}),
      ...(earlier?.historyUnavailable ? { historyUnavailable: true } : {}),
      metadata: {
        channel,
        threadTs,
        teamId,
        ...(incoming.enterpriseId ? { enterpriseId: incoming.enterpriseId } : {}),
        ...(starting?.settings ? { settings: starting.settings } : {}),
      },
      ...(aside ? { aside } : {}),
      ...(attachments.length > 0 ? { attachments } : {}),
    });
    if (outcome.type === "message-accepted") {
      context.threads.remember(outcome.sessionId, thread);
      if (!existing) await keepMessage(context, incoming, place, text, outcome.sessionId);
      if (outcome.held?.noticeDue) {
        await postEphemeral(context, { channel, user: message.user, threadTs }, heldReplyNote);
      }
    }
  } catch (error) {
    // The event is already claimed, so Slack's retry would be dropped: tell the user instead.
    logger.error({ err: error }, "could not hand a Slack message to the runtime");
    await context.api
      .call("chat.postMessage", {
        channel,
        thread_ts: threadTs,
        text: ":warning: I could not take this message just now. Please send it again in a minute.",
      })
      .catch(() => undefined);
  }
  await feedback;
  await kept;
}

/** Keeps the message with the thread's session, as it reached the runtime (redacted when stored). */
async function keepMessage(
  context: SlackSurfaceContext,
  incoming: Incoming,
  place: ThreadPlace,
  text: string,
  sessionId: string,
): Promise<void> {
  const { message } = incoming;
  if (!message.user) return;
  await keepThreadMessage(context, place, {
    ts: message.ts,
    userId: message.user,
    author: await context.users.nameOf(message.user),
    bot: false,
    text,
    files: (message.files ?? []).map((file) => ({ id: file.id, name: file.name ?? file.title ?? "" })),
    source: "event",
    sessionId,
  });
}

/** How long fetching one message's files from Slack may take. */
const sharedFilesTimeoutMs = 60_000;

/** The message's files, checked and fetched (`fetchSharedFiles`); none when Slack cannot be asked. */
async function sharedFilesOf(
  context: SlackSurfaceContext,
  message: SlackMessage,
  channel: string,
  logger: Logger,
): Promise<SharedFile[]> {
  if (!message.files || message.files.length === 0) return [];
  try {
    return await fetchSharedFiles(message.files, {
      files: context.sharedFiles.files,
      channel,
      maximumBytes: context.sharedFiles.maximumBytes,
      signal: AbortSignal.timeout(sharedFilesTimeoutMs),
    });
  } catch (error) {
    logger.warn({ err: error }, "could not fetch the files shared with a Slack message");
    return [];
  }
}

function parse(
  event: unknown,
  body: { event_id?: unknown; team_id?: unknown; is_ext_shared_channel?: unknown },
  boltContext: { botUserId?: string; botId?: string; enterpriseId?: string },
): Incoming | undefined {
  const parsed = slackMessageSchema.safeParse(event);
  if (!parsed.success || typeof body.event_id !== "string") return undefined;
  const team = typeof body.team_id === "string" ? body.team_id : undefined;
  const eventTeam = (event as { team?: unknown }).team;
  const teamId = team ?? (typeof eventTeam === "string" ? eventTeam : undefined);
  if (!teamId) return undefined;
  return {
    eventId: body.event_id,
    teamId,
    enterpriseId: boltContext.enterpriseId || undefined,
    mayBeShared: body.is_ext_shared_channel === true,
    message: parsed.data,
    botUserId: boltContext.botUserId,
    botId: boltContext.botId,
  };
}

/**
 * Entry points: a mention starts or continues the session of its thread (a top-level
 * mention threads under itself); a DM starts a session per DM thread; any reply in a
 * thread that has a session continues it without a mention. Bots and apps are ignored;
 * people are checked by the access control before anything starts.
 */
export function register(app: App, shared: SlackSurfaceContext): void {
  app.event("app_mention", async ({ event, body, context: boltContext }) => {
    const context = shared.forInstallation(eventScope(boltContext));
    const incoming = parse(event, body, boltContext);
    if (!incoming || !isFromPerson(incoming.message, incoming.botUserId)) return;
    await context.track(deliver(context, incoming, { mustExist: false }));
  });

  app.event("message", async ({ event, body, context: boltContext }) => {
    const context = shared.forInstallation(eventScope(boltContext));
    const incoming = parse(event, body, boltContext);
    if (!incoming || !isFromPerson(incoming.message, incoming.botUserId)) return;
    const { message } = incoming;
    if (message.channel_type === "im") {
      await context.track(deliver(context, incoming, { mustExist: false }));
      return;
    }
    // Mentions are handled by app_mention; only plain replies in a session's thread count here.
    if (!message.thread_ts || message.thread_ts === message.ts || mentions(message.text, incoming.botUserId))
      return;
    await context.track(deliver(context, incoming, { mustExist: true }));
  });
}
