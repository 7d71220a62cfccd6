import { z } from "zod";
import type { SlackApi } from "./slack-api.ts";
import { messageText, slackMessageSchema } from "./slack-message.ts";
import type { UserDirectory } from "./user-directory.ts";

export interface HistoryEntry {
  author: string;
  text: string;
}

const repliesSchema = z.object({ messages: z.array(z.unknown()).default([]) });

/**
 * The thread's messages before `beforeTs`, each with its author's display name, for a
 * session that starts in the middle of a thread.
 */
export async function readThreadHistory(options: {
  api: SlackApi;
  users: UserDirectory;
  channel: string;
  threadTs: string;
  beforeTs: string;
  botUserId: string | undefined;
  botId: string | undefined;
  limit?: number;
}): Promise<HistoryEntry[]> {
  const response = repliesSchema.parse(
    await options.api.call("conversations.replies", {
      channel: options.channel,
      ts: options.threadTs,
      limit: options.limit ?? 100,
    }),
  );
  const history: HistoryEntry[] = [];
  for (const raw of response.messages) {
    const parsed = slackMessageSchema.safeParse(raw);
    if (!parsed.success) continue;
    const message = parsed.data;
    if (Number.parseFloat(message.ts) >= Number.parseFloat(options.beforeTs)) continue;
    const text = messageText(message, options.botUserId);
    if (!text) continue;
    const isSelf =
      (message.bot_id !== undefined && message.bot_id === options.botId) ||
      (message.user !== undefined && message.user === options.botUserId);
    let author: string;
    if (isSelf) author = "Threadwork";
    else if (message.user) author = await options.users.nameOf(message.user);
    else author = message.username ?? "a bot";
    history.push({ author, text });
  }
  return history;
}
