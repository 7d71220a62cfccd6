import type { SlackStore, StoredSlackMessage } from "../slack-store.ts";
import { replyPurpose, type Segment, type Turn } from "./reply-turn.ts";

/**
 * The store's record of each message of a reply: its ts once it opens, then a content hash once it
 * holds its final text or its stream was stopped, so a restarted process neither posts a message
 * twice nor edits one it must leave alone.
 */
export class ReplyRecords {
  private readonly store: SlackStore;

  constructor(store: SlackStore) {
    this.store = store;
  }

  /** The record of the reply's message number `index`. */
  message(turnId: string, turn: Turn, index: number): Promise<StoredSlackMessage | undefined> {
    return this.read(turn, replyPurpose(turnId, index));
  }

  read(turn: Turn, purpose: string): Promise<StoredSlackMessage | undefined> {
    return this.store.getMessage(turn.sessionId, purpose);
  }

  /** Records a message of the reply's thread under `purpose`. */
  async save(turn: Turn, purpose: string, ts: string, contentHash: string | null): Promise<void> {
    await this.write(turn, purpose, { channel: turn.thread.channel, ts, contentHash });
  }

  async write(turn: Turn, purpose: string, message: StoredSlackMessage): Promise<void> {
    await this.store.saveMessage(turn.sessionId, purpose, message);
  }

  /** A message just opened: its ts is kept, with no final text yet. */
  async opened(turnId: string, turn: Turn, segment: Segment): Promise<void> {
    await this.save(turn, replyPurpose(turnId, segment.index), segment.ts, null);
  }

  /**
   * The message is done, recorded with `hash`; the reply's next piece opens a new one. `ended`:
   * Slack or its person ended it, so it is never edited again.
   */
  async settle(
    turnId: string,
    turn: Turn,
    segment: Segment,
    hash: string,
    options: { ended: boolean } = { ended: false },
  ): Promise<void> {
    if (turn.segment === segment) turn.segment = undefined;
    if (options.ended) turn.ended.add(segment.index);
    await this.save(turn, replyPurpose(turnId, segment.index), segment.ts, hash);
  }
}
