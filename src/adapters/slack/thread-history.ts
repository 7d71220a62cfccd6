import { z } from "zod";
import { isBefore, type ThreadMessage } from "../../domain/thread-messages.ts";
import type { SlackApi } from "./slack-api.ts";
import { SlackApiError } from "./slack-errors.ts";
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

interface ThreadReading {
  api: SlackApi;
  users: UserDirectory;
  channel: string;
  threadTs: string;
  botUserId: string | undefined;
  botId: string | undefined;
}

async function readPages(options: ThreadReading): Promise<{ messages: SlackMessage[]; complete: boolean }> {
  const messages: SlackMessage[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maximumPages; page += 1) {
    let answer: unknown;
    try {
      // A person is waiting: a 429 (a distributed app may read history once a minute) is not waited out.
      answer = await options.api.call(
        "conversations.replies",
        { channel: options.channel, ts: options.threadTs, limit: 200, ...(cursor ? { cursor } : {}) },
        { ifRateLimited: "fail" },
      );
    } catch (error) {
      const limited = error instanceof SlackApiError && error.slackError === "ratelimited";
      if (page > 0 && limited) return { messages, complete: false };
      throw error;
    }
    const response = repliesSchema.parse(answer);
    for (const raw of response.messages) {
      const parsed = slackMessageSchema.safeParse(raw);
      if (parsed.success) messages.push(parsed.data);
    }
    cursor = response.response_metadata?.next_cursor || undefined;
    if (!response.has_more || !cursor) return { messages, complete: true };
  }
  return { messages, complete: true };
}

/**
 * The thread's messages as Slack has them now, each with its author's id and display name, to be
 * kept with the session: read once, when a session starts in the middle of a thread. `complete`
 * is false when Slack's rate limit stopped the reading after the first page; a 429 on the first
 * page throws `SlackApiError` `ratelimited` at once.
 */
export async function readThreadMessages(
  options: ThreadReading,
): Promise<{ messages: ThreadMessage[]; complete: boolean }> {
  const { messages, complete } = await readPages(options);
  const kept: ThreadMessage[] = [];
  for (const message of messages) {
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
    const files = (message.files ?? []).map((file) => ({ id: file.id, name: file.name ?? file.title ?? "" }));
    const base = { ts: message.ts, text, files, source: "history" as const };
    if (isBot) kept.push({ ...base, author: botAuthor(message, isSelf), bot: true });
    else if (message.user) {
      const author = await options.users.nameOf(message.user);
      kept.push({ ...base, author, userId: message.user, bot: false });
    } else kept.push({ ...base, author: message.username ?? "someone", bot: false });
  }
  return { messages: kept, complete };
}

/** What the supervisor is handed of a thread's kept messages before `beforeTs`: the first and the latest. */
export function historyEntries(messages: readonly ThreadMessage[], beforeTs: string): HistoryEntry[] {
  const before = messages.filter((message) => isBefore(message.ts, beforeTs));
  const first = before[0];
  const kept =
    before.length > maximumEntries && first ? [first, ...before.slice(-(maximumEntries - 1))] : before;
  return kept.map((message) => {
    const text =
      message.text.length > maximumEntryLength
        ? `${message.text.slice(0, maximumEntryLength)}… (truncated)`
        : message.text;
    if (message.bot) return { author: message.author, text, bot: true };
    return { author: message.author, text, ...(message.userId ? { userId: message.userId } : {}) };
  });
}
