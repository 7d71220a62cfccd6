import {
  type HistoryEntry,
  historyEntries,
  readThreadMessages,
} from "../../adapters/slack/thread-history.ts";
import type { ThreadMessage, ThreadPlace } from "../../domain/thread-messages.ts";
import type { Logger } from "../../logger.ts";
import type { SlackSurfaceContext } from "./surface-context.ts";

/** What a session starting mid-thread is handed: the earlier messages, and whether some could not be read. */
export interface ThreadContext {
  history: HistoryEntry[];
  /** Slack would not give (all of) the earlier messages now: the model is told, not the person. */
  historyUnavailable: boolean;
}

/**
 * The thread's messages before `beforeTs`. Slack is asked once per thread at most
 * (`conversations.replies`, recorded as read); afterwards, and when Slack refuses or rate-limits
 * the call, the messages kept with the session are all there is, and nothing waits a minute.
 */
export async function threadContext(
  context: Pick<SlackSurfaceContext, "api" | "users" | "store">,
  thread: ThreadPlace,
  options: ReadOptions,
): Promise<ThreadContext> {
  const key = [thread.teamId, thread.enterpriseId ?? "", thread.channel, thread.threadTs].join("\u0000");
  // Two messages arriving together in a thread share one read.
  let reading = readsInFlight.get(key);
  if (!reading) {
    reading = readOnce(context, thread, options).finally(() => readsInFlight.delete(key));
    readsInFlight.set(key, reading);
  }
  try {
    const { historyUnavailable } = await reading;
    const kept = await context.store.threadMessages(thread);
    return { history: historyEntries(kept, options.beforeTs), historyUnavailable };
  } catch (error) {
    // The kept messages cannot be read (the database): the session still starts, told so.
    options.logger.warn({ err: error }, "could not read the thread's kept messages; going on without them");
    return { history: [], historyUnavailable: true };
  }
}

interface ReadOptions {
  beforeTs: string;
  botUserId: string | undefined;
  botId: string | undefined;
  logger: Logger;
}

const readsInFlight = new Map<string, Promise<{ historyUnavailable: boolean }>>();

/** Reads the thread from Slack unless it was read before, and keeps what it got. */
async function readOnce(
  context: Pick<SlackSurfaceContext, "api" | "users" | "store">,
  thread: ThreadPlace,
  options: ReadOptions,
): Promise<{ historyUnavailable: boolean }> {
  if (await context.store.threadHistoryRead(thread)) return { historyUnavailable: false };
  try {
    const read = await readThreadMessages({
      api: context.api,
      users: context.users,
      channel: thread.channel,
      threadTs: thread.threadTs,
      botUserId: options.botUserId,
      botId: options.botId,
    });
    await context.store.recordThreadMessages(thread, read.messages);
    await context.store.recordThreadHistoryRead(thread, read.complete);
    return { historyUnavailable: !read.complete };
  } catch (error) {
    options.logger.warn(
      { err: error },
      "could not read the thread's earlier messages; going on without them",
    );
    return { historyUnavailable: true };
  }
}

/** Keeps a message the app received in a thread it serves; a redelivered one is kept once. */
export async function keepThreadMessage(
  context: Pick<SlackSurfaceContext, "store" | "logger">,
  thread: ThreadPlace,
  message: ThreadMessage,
): Promise<void> {
  try {
    await context.store.recordThreadMessages(thread, [message]);
  } catch (error) {
    context.logger.warn({ err: error }, "could not keep a thread message with its session");
  }
}
