import type { ReplyMessages } from "./reply-messages.ts";
import { replyPieces } from "./reply-pieces.ts";
import type { ReplyRecords } from "./reply-records.ts";
import type { ReplySegments } from "./reply-segments.ts";
import type { ReplySender } from "./reply-sender.ts";
import {
  finalHash,
  interruptedHash,
  replyIsOver,
  replyPurpose,
  stoppedHash,
  type Turn,
  wholeReplyPurpose,
} from "./reply-turn.ts";

interface ReplyCompletionOptions {
  messages: ReplyMessages;
  records: ReplyRecords;
  segments: ReplySegments;
  sender: ReplySender;
}

/**
 * Brings a reply to its final text once the turn completed: the rest is sent and the last message
 * closed, each message is rewritten when the final text differs from what was streamed, and after
 * a stranger's Stop the whole reply is posted anew below.
 */
export class ReplyCompletion {
  private readonly messages: ReplyMessages;
  private readonly records: ReplyRecords;
  private readonly segments: ReplySegments;
  private readonly sender: ReplySender;

  constructor(options: ReplyCompletionOptions) {
    this.messages = options.messages;
    this.records = options.records;
    this.segments = options.segments;
    this.sender = options.sender;
  }

  async finish(turnId: string, turn: Turn, text: string): Promise<void> {
    if (turn.stopped) return;
    if (turn.delivered === "" && turn.segment === undefined && !turn.interrupted) {
      const stored = await this.records.message(turnId, turn, 0);
      // Posted in full, or stopped, before a restart: nothing to do.
      if (stored?.contentHash === finalHash || stored?.contentHash === stoppedHash) return;
      if (stored?.contentHash === interruptedHash) turn.interrupted = true;
      if (!stored) {
        if (text.trim() === "") return;
        // No delta came: nothing to watch arrive, so the reply is posted whole; a final answer
        // is still streamed, so its stop can carry the feedback buttons.
        if (!turn.finalAnswer) turn.postOnly = true;
      }
    }
    if (!turn.interrupted) {
      if (!text.startsWith(turn.delivered)) {
        await this.rewrite(turnId, turn, text);
      } else {
        await this.sender.send(turnId, turn, text.slice(turn.delivered.length), true);
        const segment = turn.segment;
        if (segment && !replyIsOver(turn))
          await this.segments.close(turnId, turn, segment, { continuing: false });
      }
    }
    if (turn.interrupted) await this.postWhole(turnId, turn, text);
  }

  /** After a stranger's Stop: the whole reply in new messages below the stopped one, each posted once. */
  private async postWhole(turnId: string, turn: Turn, text: string): Promise<void> {
    for (const [index, piece] of replyPieces(text).entries()) {
      const purpose = wholeReplyPurpose(turnId, index);
      if (piece.trim() === "" || (await this.records.read(turn, purpose))) continue;
      await this.postFinal(turn, purpose, piece);
    }
  }

  /**
   * The final text differs from what was sent (a secret redacted only in the whole): each message
   * of the reply gets its part of it, except those Slack or the person ended.
   */
  private async rewrite(turnId: string, turn: Turn, text: string): Promise<void> {
    const open = turn.segment;
    if (open) await this.segments.close(turnId, turn, open, { continuing: false });
    if (replyIsOver(turn)) return;
    for (const [index, piece] of replyPieces(text).entries()) {
      const purpose = replyPurpose(turnId, index);
      const stored = await this.records.read(turn, purpose);
      if (stored?.contentHash === stoppedHash) return;
      if (stored?.contentHash === interruptedHash) {
        turn.interrupted = true;
        return;
      }
      if (stored && turn.ended.has(index)) continue;
      if (stored) {
        await this.messages.update({ ...turn.thread, channel: stored.channel }, stored.ts, piece);
        await this.records.write(turn, purpose, { ...stored, contentHash: finalHash });
        continue;
      }
      await this.postFinal(turn, purpose, piece);
    }
  }

  private async postFinal(turn: Turn, purpose: string, piece: string): Promise<void> {
    const ts = await this.messages.post(turn.thread, piece);
    await this.records.save(turn, purpose, ts, finalHash);
  }
}
