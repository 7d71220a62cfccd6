import { z } from "zod";
import type { SlackThread } from "../../surfaces/slack/session-threads.ts";
import { conversationKey, slackSurface, threadScope } from "../../surfaces/slack/session-threads.ts";
import type { SlackSurfaceContext } from "../../surfaces/slack/surface-context.ts";
import { type SessionTrigger, triggerLine } from "../../surfaces/slack/triggered-session.ts";

const repliesSchema = z.object({
  messages: z
    .array(z.object({ user: z.string().optional(), text: z.string().optional() }).loose())
    .default([]),
});

/** The thread's replies, oldest first (the latest 200), for the `autofix off|on` toggle. */
export async function threadReplies(
  context: SlackSurfaceContext,
  thread: SlackThread,
): Promise<{ userId: string | undefined; text: string }[]> {
  const parsed = repliesSchema.safeParse(
    await context.apiFor(threadScope(thread)).call("conversations.replies", {
      channel: thread.channel,
      ts: thread.threadTs,
      limit: 200,
    }),
  );
  if (!parsed.success) return [];
  return parsed.data.messages.map((message) => ({ userId: message.user, text: message.text ?? "" }));
}

/** Posts in the session's thread: what started it (with its link), then `text`. */
export async function postTriggeredNote(
  context: SlackSurfaceContext,
  thread: SlackThread,
  trigger: SessionTrigger,
  text: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await context.apiFor(threadScope(thread)).call("chat.postMessage", {
    channel: thread.channel,
    thread_ts: thread.threadTs,
    text: `${triggerLine({ trigger, ownerId: thread.ownerId })}\n${text}`,
    unfurl_links: false,
    ...extra,
  });
}

/** Hands the session's supervisor a request in its owner's name, as a thread reply would. */
export async function continueSession(
  context: SlackSurfaceContext,
  thread: SlackThread,
  text: string,
): Promise<void> {
  const outcome = await context.runtime.handle({
    type: "user-message",
    key: {
      surface: slackSurface,
      conversationKey: conversationKey(thread.teamId, thread.channel, thread.threadTs),
    },
    userId: thread.ownerId,
    userName: await context.forInstallation(threadScope(thread)).users.nameOf(thread.ownerId),
    text,
  });
  if (outcome.type !== "message-accepted")
    throw new Error(`the runtime did not take the request (${outcome.type})`);
}
