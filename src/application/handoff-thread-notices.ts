import { z } from "zod";
import type { Config } from "../config/config.ts";
import { errorMessage } from "../domain/errors.ts";
import { truncate } from "../domain/text.ts";
import type { Logger } from "../logger.ts";
import { escapeText, safeMarkdown } from "../surfaces/slack/blocks/format.ts";

/** What a chat that continues a Slack session says in its thread. */
export interface ThreadNotices {
  moved(host: string, user: string, ownerId: string): Promise<void>;
  /** A final answer given while the terminal holds the session, so the thread sees the outcome. */
  reply(text: string): Promise<void>;
  back(host: string): Promise<void>;
}

const threadSchema = z.looseObject({ channel: z.string().min(1), threadTs: z.string().min(1) });

/** Slack's limit for `markdown_text` is 12,000 characters; a long answer stays whole in the terminal. */
const maximumReply = 11_000;

/**
 * Posts into the session's thread with the bot token of this machine's configuration; undefined
 * when there is no token or the session names no thread (the terminal says so instead). A post
 * that fails is logged and the chat goes on.
 */
export async function createThreadNotices(options: {
  slack: Config["slack"];
  metadata: Record<string, unknown>;
  logger: Logger;
}): Promise<ThreadNotices | undefined> {
  const thread = threadSchema.safeParse(options.metadata);
  if (!options.slack.botToken || !thread.success) return undefined;
  const { createSlackWebClient } = await import("../adapters/slack/slack-api.ts");
  const client = createSlackWebClient({
    botToken: options.slack.botToken,
    apiUrl: options.slack.apiUrl,
    logger: options.logger,
  });
  const { channel, threadTs } = thread.data;
  async function post(fields: Record<string, unknown>): Promise<void> {
    try {
      await client.apiCall("chat.postMessage", { channel, thread_ts: threadTs, ...fields });
    } catch (error) {
      options.logger.warn({ error: errorMessage(error) }, "could not post to the session's Slack thread");
    }
  }
  return {
    moved: (host, user, ownerId) => {
      const text =
        `:arrow_right: Continued in a terminal on *${escapeText(host)}* by <@${ownerId}> (\`${escapeText(user)}\` there). ` +
        "Replies here still reach the same supervisor: the terminal runs it and posts its answers here. " +
        "Questions and approvals asked meanwhile wait in the terminal.";
      return post({ text });
    },
    async reply(text) {
      await post({ markdown_text: `From the terminal:\n\n${safeMarkdown(truncate(text, maximumReply))}` });
      // A reply typed in the thread set "is thinking…" there, and the Slack app sees no answer to clear it.
      await client
        .apiCall("assistant.threads.setStatus", { channel_id: channel, thread_ts: threadTs, status: "" })
        .catch((error: unknown) =>
          options.logger.debug({ error: errorMessage(error) }, "no thread status to clear"),
        );
    },
    back: (host) =>
      post({
        text: `:leftwards_arrow_with_hook: Back in Slack: the terminal on *${escapeText(host)}* let go of this session; replies here are answered here again.`,
      }),
  };
}
