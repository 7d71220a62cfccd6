import { createHash } from "node:crypto";
import type { SlackApi } from "../../adapters/slack/slack-api.ts";
import type { RenderedMessage } from "../../domain/slack-blocks/block.ts";
import { KeyedQueue } from "./keyed-queue.ts";
import type { SlackThread } from "./session-threads.ts";
import type { SlackStore } from "./slack-store.ts";

export function contentHash(message: RenderedMessage): string {
  return createHash("sha256").update(JSON.stringify(message)).digest("hex").slice(0, 32);
}

/**
 * Posts one message per session and purpose, and edits it afterwards. The posted ts is
 * stored, so a restarted process edits the message instead of posting it again, and an
 * unchanged rendering makes no call at all.
 */
export class MessagePublisher {
  private readonly queue = new KeyedQueue();
  private readonly api: SlackApi;
  private readonly store: SlackStore;

  constructor(api: SlackApi, store: SlackStore) {
    this.api = api;
    this.store = store;
  }

  /** Posts the message for `purpose`, or edits the one posted before. Returns its ts. */
  publish(
    sessionId: string,
    purpose: string,
    thread: SlackThread,
    message: RenderedMessage,
  ): Promise<string> {
    return this.queue.run(`${sessionId}\u0000${purpose}`, async () => {
      const hash = contentHash(message);
      const existing = await this.store.getMessage(sessionId, purpose);
      if (existing) {
        if (existing.contentHash === hash) return existing.ts;
        await this.api.call("chat.update", {
          channel: existing.channel,
          ts: existing.ts,
          text: message.text,
          blocks: message.blocks,
        });
        await this.store.saveMessage(sessionId, purpose, { ...existing, contentHash: hash });
        return existing.ts;
      }
      const response = await this.api.call("chat.postMessage", {
        channel: thread.channel,
        thread_ts: thread.threadTs,
        text: message.text,
        blocks: message.blocks,
        unfurl_links: false,
      });
      const ts = String(response.ts);
      await this.store.saveMessage(sessionId, purpose, { channel: thread.channel, ts, contentHash: hash });
      return ts;
    });
  }

  /** Edits the message for `purpose` if one was posted; never posts. */
  update(sessionId: string, purpose: string, message: RenderedMessage): Promise<boolean> {
    return this.queue.run(`${sessionId}\u0000${purpose}`, async () => {
      const existing = await this.store.getMessage(sessionId, purpose);
      if (!existing) return false;
      const hash = contentHash(message);
      if (existing.contentHash === hash) return true;
      await this.api.call("chat.update", {
        channel: existing.channel,
        ts: existing.ts,
        text: message.text,
        blocks: message.blocks,
      });
      await this.store.saveMessage(sessionId, purpose, { ...existing, contentHash: hash });
      return true;
    });
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }
}
