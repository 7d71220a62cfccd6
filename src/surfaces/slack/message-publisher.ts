import { createHash } from "node:crypto";
import type { CallPriority } from "../../adapters/slack/call-pacer.ts";
import type { SlackApi } from "../../adapters/slack/slack-api.ts";
import type { TeamScope } from "../../domain/team-scope.ts";
import type { RenderedMessage } from "./blocks/block.ts";
import { KeyedQueue } from "./keyed-queue.ts";
import { type SlackThread, threadScope } from "./session-threads.ts";
import type { SlackStore, StoredSlackMessage } from "./slack-store.ts";

function contentHash(message: RenderedMessage): string {
  return createHash("sha256").update(JSON.stringify(message)).digest("hex").slice(0, 32);
}

interface PublishOptions {
  /** `background` edits wait behind other edits (the crew board). */
  priority?: CallPriority;
}

/** A publish whose edit, if any, is queued at Slack's pace: `landed` settles when Slack has it. */
interface QueuedPublish {
  ts: string;
  landed: Promise<void>;
}

const nothingToWaitFor = Promise.resolve();

/**
 * Posts one message per session and purpose, and edits it afterwards. The posted ts is
 * stored, so a restarted process edits the message instead of posting it again, and an
 * unchanged rendering makes no call at all. Edits do not hold the message's turn while
 * they wait for Slack's pace: a newer edit of the same message replaces a queued one.
 */
export class MessagePublisher {
  private readonly queue = new KeyedQueue();
  private readonly api: SlackApi;
  private readonly store: SlackStore;
  /** Hash of the latest edit handed to Slack and not yet saved, per session and purpose. */
  private readonly requested = new Map<string, string>();

  /** The installation of a session's thread, for edits made without the thread at hand. */
  private readonly scopeOf: (sessionId: string) => Promise<TeamScope | undefined>;

  constructor(
    api: SlackApi,
    store: SlackStore,
    scopeOf: (sessionId: string) => Promise<TeamScope | undefined> = async () => undefined,
  ) {
    this.api = api;
    this.store = store;
    this.scopeOf = scopeOf;
  }

  /** Posts the message for `purpose`, or edits the one posted before. Returns its ts. */
  async publish(
    sessionId: string,
    purpose: string,
    thread: SlackThread,
    message: RenderedMessage,
    options: PublishOptions = {},
  ): Promise<string> {
    const queued = await this.publishQueued(sessionId, purpose, thread, message, options);
    await queued.landed;
    return queued.ts;
  }

  /** Like `publish`, but returns once an edit is queued; a post is always awaited. */
  publishQueued(
    sessionId: string,
    purpose: string,
    thread: SlackThread,
    message: RenderedMessage,
    options: PublishOptions = {},
  ): Promise<QueuedPublish> {
    const key = this.keyOf(sessionId, purpose);
    const scope = threadScope(thread);
    return this.queue.run(key, async () => {
      const hash = contentHash(message);
      const existing = await this.store.getMessage(sessionId, purpose);
      if (existing) {
        const landed = this.edit({ sessionId, purpose, scope }, existing, message, hash, options);
        return { ts: existing.ts, landed };
      }
      const response = await this.api.call(
        "chat.postMessage",
        {
          channel: thread.channel,
          thread_ts: thread.threadTs,
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
          unfurl_media: false,
        },
        { scope },
      );
      const ts = String(response.ts);
      await this.store.saveMessage(sessionId, purpose, { channel: thread.channel, ts, contentHash: hash });
      return { ts, landed: nothingToWaitFor };
    });
  }

  /** Edits the message for `purpose` if one was posted; never posts. */
  async update(
    sessionId: string,
    purpose: string,
    message: RenderedMessage,
    options: PublishOptions = {},
  ): Promise<boolean> {
    const landed = await this.queue.run(this.keyOf(sessionId, purpose), async () => {
      const existing = await this.store.getMessage(sessionId, purpose);
      if (!existing) return undefined;
      const scope = await this.scopeOf(sessionId);
      return this.edit({ sessionId, purpose, scope }, existing, message, contentHash(message), options);
    });
    if (landed === undefined) return false;
    await landed;
    return true;
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  private keyOf(sessionId: string, purpose: string): string {
    return `${sessionId}\u0000${purpose}`;
  }

  /** Queues the edit (called in the message's turn, so edits queue in order). */
  private edit(
    target: { sessionId: string; purpose: string; scope: TeamScope | undefined },
    existing: StoredSlackMessage,
    message: RenderedMessage,
    hash: string,
    options: PublishOptions,
  ): Promise<void> {
    const { sessionId, purpose, scope } = target;
    const key = this.keyOf(sessionId, purpose);
    if ((this.requested.get(key) ?? existing.contentHash) === hash) return nothingToWaitFor;
    this.requested.set(key, hash);
    const call = this.api.call(
      "chat.update",
      { channel: existing.channel, ts: existing.ts, text: message.text, blocks: message.blocks },
      { scope, ...(options.priority ? { priority: options.priority } : {}) },
    );
    return call.then(
      async () => {
        if (this.requested.get(key) !== hash) return;
        await this.store.saveMessage(sessionId, purpose, { ...existing, contentHash: hash });
        if (this.requested.get(key) === hash) this.requested.delete(key);
      },
      (error: unknown) => {
        if (this.requested.get(key) === hash) this.requested.delete(key);
        throw error;
      },
    );
  }
}
