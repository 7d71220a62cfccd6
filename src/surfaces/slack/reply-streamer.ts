import type { SlackApi } from "../../adapters/slack/slack-api.ts";
import { slackErrorOf } from "../../adapters/slack/slack-errors.ts";
import { redactSecrets } from "../../domain/secret-redaction.ts";
import { safeMarkdown, splitAtSafeEnd } from "../../domain/slack-blocks/format.ts";
import { leadingPiece, replyMessageLimit, replyPieces } from "../../domain/slack-blocks/reply-pieces.ts";
import type { Logger } from "../../logger.ts";
import { KeyedQueue } from "./keyed-queue.ts";
import {
  finalHash,
  newTurn,
  noUnfurls,
  replyPurpose,
  type Segment,
  stoppedHash,
  streamLifetimeMs,
  type Turn,
} from "./reply-turn.ts";
import type { SlackThread } from "./session-threads.ts";
import type { SlackStore } from "./slack-store.ts";

export interface ReplyStreamerOptions {
  api: SlackApi;
  store: SlackStore;
  logger: Logger;
  intervalMs?: number | undefined;
  /** The owner's own workspace for `recipient_team_id` when no event said it (`users.info`). */
  users?: { profileOf(userId: string): Promise<{ teamId: string | undefined }> };
  now?: () => number;
}

/**
 * Streams a supervisor reply into its thread. Deltas are coalesced and flushed at most every
 * `intervalMs`; the first flush starts a Slack stream (`chat.startStream`), later ones append,
 * completion stops it. A reply longer than one message holds (12,000 characters), or one that
 * outlives a stream, continues in a new stream below. When the person stops the stream
 * (`stopped_by_user`), the reply ends there: nothing more is sent and the message is never
 * edited. If streaming is refused, the reply is posted and edited as text arrives.
 */
export class ReplyStreamer {
  private readonly turns = new Map<string, Turn>();
  /** Turns already completed here: a late or replayed delta must not start a second message. */
  private readonly completedTurns = new Set<string>();
  private readonly queue = new KeyedQueue();
  private readonly api: SlackApi;
  private readonly store: SlackStore;
  private readonly logger: Logger;
  private readonly intervalMs: number;
  private readonly users: ReplyStreamerOptions["users"];
  private readonly now: () => number;

  constructor(options: ReplyStreamerOptions) {
    this.api = options.api;
    this.store = options.store;
    this.logger = options.logger;
    this.intervalMs = options.intervalMs ?? 750;
    this.users = options.users;
    this.now = options.now ?? Date.now;
  }

  delta(sessionId: string, turnId: string, thread: SlackThread, delta: string): void {
    if (this.completedTurns.has(turnId)) return;
    const turn = this.turnFor(sessionId, turnId, thread);
    if (turn.finished || turn.stopped) return;
    turn.pending += delta;
    if (turn.timer) return;
    // The first piece goes out at once so the user sees the reply begin; later ones are batched.
    const delay = turn.segment === undefined && turn.delivered === "" ? 0 : this.intervalMs;
    turn.timer = setTimeout(() => {
      turn.timer = undefined;
      void this.queue
        .run(turnId, () => this.flush(turnId, turn))
        .catch((error: unknown) => {
          this.logger.warn({ err: error, sessionId }, "could not stream a reply");
        });
    }, delay);
  }

  completed(sessionId: string, turnId: string, thread: SlackThread, rawText: string): Promise<void> {
    const text = safeMarkdown(redactSecrets(rawText));
    const turn = this.turnFor(sessionId, turnId, thread);
    if (turn.timer) clearTimeout(turn.timer);
    turn.timer = undefined;
    turn.finished = true;
    return this.queue.run(turnId, async () => {
      try {
        await this.finish(turnId, turn, text);
      } finally {
        this.turns.delete(turnId);
        if (this.completedTurns.size > 10_000) this.completedTurns.clear();
        this.completedTurns.add(turnId);
      }
    });
  }

  /**
   * Slack stopped these streams in `channel` (the person pressed Stop, `agent_session_stopped`
   * lists them as `streaming_message_ts`): their replies end where they are.
   */
  streamsStopped(channel: string, timestamps: readonly string[]): void {
    for (const [turnId, turn] of this.turns) {
      if (turn.thread.channel !== channel) continue;
      // In the turn's queue: a stream still starting has its ts only once Slack answered.
      void this.queue
        .run(turnId, async () => {
          const segment = turn.segment;
          if (segment && timestamps.includes(segment.ts)) await this.markStopped(turnId, turn, segment);
        })
        .catch((error: unknown) => {
          this.logger.warn({ err: error, sessionId: turn.sessionId }, "could not record a stopped reply");
        });
    }
  }

  async idle(): Promise<void> {
    for (const turn of this.turns.values()) if (turn.timer) clearTimeout(turn.timer);
    await this.queue.idle();
  }

  private turnFor(sessionId: string, turnId: string, thread: SlackThread): Turn {
    let turn = this.turns.get(turnId);
    if (!turn) {
      turn = newTurn(sessionId, thread);
      this.turns.set(turnId, turn);
    }
    return turn;
  }

  private async flush(turnId: string, turn: Turn): Promise<void> {
    if (turn.finished || turn.stopped || turn.pending === "") return;
    const { ready, rest } = splitAtSafeEnd(turn.pending);
    if (ready === "") return;
    turn.pending = rest;
    await this.send(turnId, turn, safeMarkdown(redactSecrets(ready)), false);
  }

  /** Delivers `text` after what the reply shows, opening a new message as one fills or its stream ends. */
  private async send(turnId: string, turn: Turn, text: string, final: boolean): Promise<void> {
    let rest = text;
    while (rest !== "" && !turn.stopped) {
      const segment = turn.segment ?? (await this.resume(turnId, turn));
      if (turn.stopped) return;
      if (!segment) {
        const piece = leadingPiece(rest, replyMessageLimit, { hardCut: true });
        const opened = await this.open(turnId, turn, piece);
        opened.full = piece.length < rest.length;
        rest = rest.slice(piece.length);
        continue;
      }
      const expiring = segment.mode === "stream" && this.now() - segment.startedAt >= streamLifetimeMs;
      const room = segment.full || expiring ? 0 : replyMessageLimit - segment.text.length;
      const piece = leadingPiece(rest, room, { hardCut: segment.text === "" });
      if (piece === "") {
        await this.close(turnId, turn, segment, { continuing: true });
        continue;
      }
      const last = final && piece.length === rest.length;
      if (await this.extend(turnId, turn, segment, piece, last)) {
        segment.full = piece.length < rest.length;
        rest = rest.slice(piece.length);
      }
    }
  }

  /** Starts the reply's next message with `piece`: a stream, or a posted message where streaming is refused. */
  private async open(turnId: string, turn: Turn, piece: string): Promise<Segment> {
    const { channel, threadTs, ownerId } = turn.thread;
    const index = turn.nextIndex;
    turn.nextIndex += 1;
    let segment: Segment | undefined;
    if (!turn.postOnly) {
      try {
        const response = await this.api.call("chat.startStream", {
          channel,
          thread_ts: threadTs,
          markdown_text: piece,
          recipient_user_id: ownerId,
          recipient_team_id: await this.recipientTeam(turn.thread),
        });
        segment = {
          index,
          ts: String(response.ts),
          mode: "stream",
          text: piece,
          startedAt: this.now(),
          full: false,
        };
      } catch (error) {
        this.logger.debug({ err: error }, "startStream failed; posting the reply instead");
        turn.postOnly = true;
      }
    }
    if (!segment) {
      const response = await this.api.call("chat.postMessage", {
        channel,
        thread_ts: threadTs,
        markdown_text: piece,
        ...noUnfurls,
      });
      segment = {
        index,
        ts: String(response.ts),
        mode: "edit",
        text: piece,
        startedAt: this.now(),
        full: false,
      };
    }
    turn.segment = segment;
    turn.delivered += piece;
    await this.store.saveMessage(turn.sessionId, replyPurpose(turnId, index), {
      channel,
      ts: segment.ts,
      contentHash: null,
    });
    return segment;
  }

  /** A message of this reply posted before a restart is edited from scratch, unless its person stopped it. */
  private async resume(turnId: string, turn: Turn): Promise<Segment | undefined> {
    const stored = await this.store.getMessage(turn.sessionId, replyPurpose(turnId, turn.nextIndex));
    if (!stored) return undefined;
    if (stored.contentHash === stoppedHash) {
      turn.stopped = true;
      return undefined;
    }
    const segment: Segment = {
      index: turn.nextIndex,
      ts: stored.ts,
      mode: "edit",
      text: "",
      startedAt: this.now(),
      full: false,
    };
    turn.nextIndex += 1;
    turn.segment = segment;
    return segment;
  }

  /** Adds `piece` to the message; false when its stream had ended and nothing was added. */
  private async extend(
    turnId: string,
    turn: Turn,
    segment: Segment,
    piece: string,
    last: boolean,
  ): Promise<boolean> {
    const { channel } = turn.thread;
    if (segment.mode === "stream") {
      try {
        // The last piece rides on the stop, so a short reply costs start, append and stop at most.
        await this.api.call(last ? "chat.stopStream" : "chat.appendStream", {
          channel,
          ts: segment.ts,
          markdown_text: piece,
        });
        segment.text += piece;
        turn.delivered += piece;
        if (last) await this.settle(turnId, turn, segment, finalHash);
        return true;
      } catch (error) {
        if (await this.streamEnded(turnId, turn, segment, error)) return false;
        this.logger.debug({ err: error }, "a stream call failed; editing the message instead");
        segment.mode = "edit";
      }
    }
    await this.api.call("chat.update", { channel, ts: segment.ts, markdown_text: segment.text + piece });
    segment.text += piece;
    turn.delivered += piece;
    return true;
  }

  /** True when `error` says the stream is over, recorded so the message is never edited again. */
  private async streamEnded(turnId: string, turn: Turn, segment: Segment, error: unknown): Promise<boolean> {
    const reason = slackErrorOf(error);
    if (reason === "stopped_by_user") {
      await this.markStopped(turnId, turn, segment);
      return true;
    }
    if (reason === "message_not_in_streaming_state") {
      // Slack closed the stream: the message keeps what it shows, the rest continues below it.
      this.logger.info(
        { sessionId: turn.sessionId },
        "Slack closed a reply's stream; continuing in a new one",
      );
      await this.settle(turnId, turn, segment, finalHash, { ended: true });
      return true;
    }
    return false;
  }

  /** Ends the message: a stream is stopped (its session stays `processing` while the reply goes on). */
  private async close(
    turnId: string,
    turn: Turn,
    segment: Segment,
    options: { continuing: boolean },
  ): Promise<void> {
    if (segment.mode === "stream") {
      try {
        await this.api.call("chat.stopStream", {
          channel: turn.thread.channel,
          ts: segment.ts,
          ...(options.continuing ? { session_status: "processing" } : {}),
        });
      } catch (error) {
        if (await this.streamEnded(turnId, turn, segment, error)) return;
        this.logger.debug({ err: error }, "could not stop a reply's stream");
      }
    }
    await this.settle(turnId, turn, segment, finalHash);
  }

  private async settle(
    turnId: string,
    turn: Turn,
    segment: Segment,
    hash: string,
    options: { ended: boolean } = { ended: false },
  ): Promise<void> {
    if (turn.segment === segment) turn.segment = undefined;
    if (options.ended) turn.ended.add(segment.index);
    await this.store.saveMessage(turn.sessionId, replyPurpose(turnId, segment.index), {
      channel: turn.thread.channel,
      ts: segment.ts,
      contentHash: hash,
    });
  }

  private async markStopped(turnId: string, turn: Turn, segment: Segment): Promise<void> {
    turn.stopped = true;
    this.logger.info({ sessionId: turn.sessionId }, "the reply was stopped in Slack; it ends there");
    await this.settle(turnId, turn, segment, stoppedHash, { ended: true });
  }

  private async finish(turnId: string, turn: Turn, text: string): Promise<void> {
    if (turn.stopped) return;
    if (turn.delivered === "" && turn.segment === undefined) {
      const stored = await this.store.getMessage(turn.sessionId, replyPurpose(turnId, 0));
      // Posted in full, or stopped, before a restart: nothing to do.
      if (stored?.contentHash === finalHash || stored?.contentHash === stoppedHash) return;
      if (!stored) {
        if (text.trim() === "") return;
        // No delta came: nothing to watch arrive, so the reply is posted whole.
        turn.postOnly = true;
      }
    }
    if (!text.startsWith(turn.delivered)) {
      await this.rewrite(turnId, turn, text);
      return;
    }
    await this.send(turnId, turn, text.slice(turn.delivered.length), true);
    const segment = turn.segment;
    if (segment && !turn.stopped) await this.close(turnId, turn, segment, { continuing: false });
  }

  /**
   * The final text differs from what was sent (a secret redacted only in the whole): each message
   * of the reply gets its part of it, except those Slack or the person ended.
   */
  private async rewrite(turnId: string, turn: Turn, text: string): Promise<void> {
    const open = turn.segment;
    if (open) await this.close(turnId, turn, open, { continuing: false });
    if (turn.stopped) return;
    const { channel, threadTs } = turn.thread;
    for (const [index, piece] of replyPieces(text).entries()) {
      const purpose = replyPurpose(turnId, index);
      const stored = await this.store.getMessage(turn.sessionId, purpose);
      if (stored?.contentHash === stoppedHash) return;
      if (stored && turn.ended.has(index)) continue;
      if (stored) {
        await this.api.call("chat.update", { channel: stored.channel, ts: stored.ts, markdown_text: piece });
        await this.store.saveMessage(turn.sessionId, purpose, { ...stored, contentHash: finalHash });
        continue;
      }
      const response = await this.api.call("chat.postMessage", {
        channel,
        thread_ts: threadTs,
        markdown_text: piece,
        ...noUnfurls,
      });
      await this.store.saveMessage(turn.sessionId, purpose, {
        channel,
        ts: String(response.ts),
        contentHash: finalHash,
      });
    }
  }

  /** `recipient_team_id` is the owner's own workspace, which differs from ours for Slack Connect and Grid users. */
  private async recipientTeam(thread: SlackThread): Promise<string> {
    if (thread.ownerTeamId) return thread.ownerTeamId;
    const profile = await this.users?.profileOf(thread.ownerId);
    return profile?.teamId ?? thread.teamId;
  }
}
