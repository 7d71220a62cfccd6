import type { App } from "@slack/bolt";
import { z } from "zod";
import { type SlackMessage, slackMessageSchema } from "../../../adapters/slack/slack-message.ts";
import { messageMatches } from "../../../domain/watch-rule.ts";
import { eventScope } from "../event-scope.ts";
import type { SlackSurfaceContext } from "../surface-context.ts";
import { alertTextOf } from "../watched-channels/alert-text.ts";
import type { WatchRuleStore } from "../watched-channels/watch-rule-store.ts";
import { triggerWatchRule } from "../watched-channels/watch-trigger.ts";

/** Top-level posts only: an edit, a deletion or a join is not an alert. */
const watchedSubtypes = new Set([undefined, "bot_message"]);

const reactionSchema = z.object({
  user: z.string(),
  reaction: z.string(),
  item: z.object({ type: z.literal("message"), channel: z.string(), ts: z.string() }),
});

const repliesSchema = z.object({ messages: z.array(slackMessageSchema).optional() });

function fromBot(message: SlackMessage): boolean {
  return message.bot_id !== undefined || message.app_id !== undefined || message.subtype === "bot_message";
}

async function watchMessage(
  context: SlackSurfaceContext,
  store: WatchRuleStore,
  message: SlackMessage & { channel: string },
): Promise<void> {
  const rules = await store.active(message.channel);
  if (rules.length === 0) return;
  const text = alertTextOf(message.text, message);
  const watched = { botId: message.bot_id, appId: message.app_id, fromBot: fromBot(message), text };
  for (const rule of rules.filter((candidate) => messageMatches(candidate, watched))) {
    // Slack's retries (and other instances) see the same message: one trigger per rule and message.
    if (
      !(await context.store.claimInboundEvent("watch-message", `${rule.id}:${message.channel}:${message.ts}`))
    )
      continue;
    const author = message.bot_id ?? message.app_id ?? message.user ?? "unknown";
    await triggerWatchRule(context, store, rule, {
      channel: message.channel,
      ts: message.ts,
      text,
      source: `message from ${fromBot(message) ? "bot" : "user"} ${author} in channel ${message.channel}`,
    });
  }
}

async function watchReaction(
  context: SlackSurfaceContext,
  store: WatchRuleStore,
  reaction: z.infer<typeof reactionSchema>,
  mayBeShared: boolean,
): Promise<void> {
  const { channel, ts } = reaction.item;
  const rules = (await store.active(channel)).filter((rule) => rule.reaction === reaction.reaction);
  if (rules.length === 0) return;
  // The reaction is a person's choice to start a session as the rule's owner: only someone who may start one.
  const access = await context.access.check(
    { userId: reaction.user, userTeam: undefined, channel, mayBeShared },
    "start",
  );
  if (!access.allowed) return;
  const replies = repliesSchema.safeParse(
    await context.api.call("conversations.replies", { channel, ts, limit: 1, inclusive: true }),
  );
  const message = replies.success ? replies.data.messages?.find((item) => item.ts === ts) : undefined;
  if (!message) return;
  for (const rule of rules) {
    if (!(await context.store.claimInboundEvent("watch-reaction", `${rule.id}:${channel}:${ts}`))) continue;
    await triggerWatchRule(context, store, rule, {
      channel,
      ts,
      text: alertTextOf(message.text, message),
      source: `message in channel ${channel}, marked with :${reaction.reaction}: by ${reaction.user}`,
    });
  }
}

/**
 * Watched channels: a top-level message (usually a bot's alert) that matches a rule, or a
 * rule's reaction on a message, starts a session owned by the rule's owner. The person-facing
 * message listener ignores bots; this one sees only what a rule asks for.
 */
export function register(app: App, shared: SlackSurfaceContext): void {
  const store = shared.watchRules;
  if (!store) return;
  app.event("message", async ({ event, context: boltContext }) => {
    const context = shared.forInstallation(eventScope(boltContext));
    const parsed = slackMessageSchema.safeParse(event);
    if (!parsed.success) return;
    const message = parsed.data;
    const channel = message.channel;
    if (!channel || message.channel_type === "im" || message.channel_type === "mpim") return;
    if (message.thread_ts !== undefined && message.thread_ts !== message.ts) return;
    if (!watchedSubtypes.has(message.subtype)) return;
    if (message.bot_id !== undefined && message.bot_id === boltContext.botId) return;
    if (message.user !== undefined && message.user === boltContext.botUserId) return;
    // Only bots' and apps' posts can match: people's messages cost no database read.
    if (!fromBot(message)) return;
    await context.track(watchMessage(context, store, { ...message, channel }));
  });

  app.event("reaction_added", async ({ event, body, context: boltContext }) => {
    const context = shared.forInstallation(eventScope(boltContext));
    const reaction = reactionSchema.safeParse(event);
    if (!reaction.success) return;
    const mayBeShared = (body as { is_ext_shared_channel?: unknown }).is_ext_shared_channel === true;
    await context.track(watchReaction(context, store, reaction.data, mayBeShared));
  });
}
