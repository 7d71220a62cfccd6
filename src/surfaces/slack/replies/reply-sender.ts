import { leadingPiece, replyMessageLimit } from "./reply-pieces.ts";
import type { ReplySegments } from "./reply-segments.ts";
import { replyIsOver, streamLifetimeMs, type Turn } from "./reply-turn.ts";

/**
 * Cuts a reply's text into the pieces its messages take: a message holds up to 12,000 characters,
 * and one whose stream is about to expire takes no more, so the rest opens a new message below.
 */
export class ReplySender {
  private readonly segments: ReplySegments;
  private readonly now: () => number;

  constructor(segments: ReplySegments, now: () => number) {
    this.segments = segments;
    this.now = now;
  }

  /** Delivers `text` after what the reply shows; `final`: its last piece ends the reply. */
  async send(turnId: string, turn: Turn, text: string, final: boolean): Promise<void> {
    let rest = text;
    while (rest !== "" && !replyIsOver(turn)) {
      const segment = turn.segment ?? (await this.segments.resume(turnId, turn));
      if (replyIsOver(turn)) return;
      if (!segment) {
        const piece = leadingPiece(rest, replyMessageLimit, { hardCut: true });
        const opened = await this.segments.open(turnId, turn, piece);
        opened.full = piece.length < rest.length;
        rest = rest.slice(piece.length);
        continue;
      }
      const expiring = segment.mode === "stream" && this.now() - segment.startedAt >= streamLifetimeMs;
      const room = segment.full || expiring ? 0 : replyMessageLimit - segment.text.length;
      const piece = leadingPiece(rest, room, { hardCut: segment.text === "" });
      if (piece === "") {
        await this.segments.close(turnId, turn, segment, { continuing: true });
        continue;
      }
      const last = final && piece.length === rest.length;
      if (await this.segments.extend(turnId, turn, segment, piece, last)) {
        segment.full = piece.length < rest.length;
        rest = rest.slice(piece.length);
      }
    }
  }
}
