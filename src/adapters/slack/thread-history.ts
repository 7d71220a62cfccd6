import { z } from "zod";
import type { SlackApi } from "./slack-api.ts";
import { messageText, type SlackMessage, slackbotUserId, slackMessageSchema } from "./slack-message.ts";
import type { UserDirectory } from "./user-directory.ts";

/** One earlier message: `userId` for a person, `bot` for Threadwork, another bot or an app. */
export interface HistoryEntry {
  author: string;
  text: string;
  userId?: string;
  bot?: boolean;
}

const repliesSchema = z.object({
  messages: z.array(z.unknown()).default([]),
  has_more: z.boolean().optional(),
  response_metadata: z.object({ next_cursor: z.string().optional() }).optional(),
});

/** Bounds on what a long thread hands the supervisor: the parent plus the latest messages. */
const maximumPages = 10;
const maximumEntries = 100;
const maximumEntryLength = 4000;

/** Only Threadwork's own messages are labelled "Threadwork": another app may call itself that. */
function botAuthor(message: SlackMessage, isSelf: boolean): string {
  if (isSelf) return "Threadwork";
  if (message.user === slackbotUserId) return "Slackbot";
  return message.username ? `another app named ${message.username}` : "another app";
}

/**
 * The thread's messages before `beforeTs`, each with its author's id and display name, for a
 * session that starts in the middle of a thread. A long thread gives its first message
 * and the latest ones.
 */
export async function readThreadHistory(options: {
  api: SlackApi;
  users: UserDirectory;
  channel: string;
  threadTs: string;
  beforeTs: string;
  botUserId: string | undefined;
  botId: string | undefined;
}): Promise<HistoryEntry[]> {
  const messages: SlackMessage[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maximumPages; page += 1) {
    const response = repliesSchema.parse(
      await options.api.call("conversations.replies", {
        channel: options.channel,
        ts: options.threadTs,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      }),
    );
    for (const raw of response.messages) {
      const parsed = slackMessageSchema.safeParse(raw);
      if (parsed.success) messages.push(parsed.data);
    }
    cursor = response.response_metadata?.next_cursor || undefined;
    if (!response.has_more || !cursor) break;
  }
  const before = messages.filter(
    (message) => Number.parseFloat(message.ts) < Number.parseFloat(options.beforeTs),
  );
  const kept = before.length > maximumEntries ? [before[0], ...before.slice(-(maximumEntries - 1))] : before;

  const history: HistoryEntry[] = [];
  for (const message of kept) {
    if (!message) continue;
    const text = messageText(message, options.botUserId);
    if (!text) continue;
    const isSelf =
      (message.bot_id !== undefined && message.bot_id === options.botId) ||
      (message.user !== undefined && message.user === options.botUserId);
    const isBot =
      isSelf ||
      message.bot_id !== undefined ||
      message.app_id !== undefined ||
      message.user === slackbotUserId ||
      message.subtype === "bot_message";
    const shown =
      text.length > maximumEntryLength ? `${text.slice(0, maximumEntryLength)}… (truncated)` : text;
    if (isBot) {
      history.push({ author: botAuthor(message, isSelf), text: shown, bot: true });
    } else if (message.user) {
      history.push({ author: await options.users.nameOf(message.user), userId: message.user, text: shown });
    } else {
      history.push({ author: message.username ?? "someone", text: shown });
    }
  }
  return history;
}
