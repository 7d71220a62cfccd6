import type { SlackApi } from "../../adapters/slack/slack-api.ts";
import { slackErrorOf } from "../../adapters/slack/slack-errors.ts";
import type { AgentSessionStatus } from "../../domain/agent-session-status.ts";
import { redactSecrets } from "../../domain/secret-redaction.ts";
import { safeMarkdown, splitAtSafeEnd } from "../../domain/slack-blocks/format.ts";
import { leadingPiece, replyMessageLimit, replyPieces } from "../../domain/slack-blocks/reply-pieces.ts";
import type { Logger } from "../../logger.ts";
import { KeyedQueue } from "./keyed-queue.ts";
import { type OwnerTeams, ReplyMessages } from "./reply-messages.ts";
import {
  finalHash,
  interruptedHash,
  newTurn,
  type ReplyStop,
  replyPurpose,
  type Segment,
  stoppedHash,
  streamLifetimeMs,
  type Turn,
  wholeReplyPurpose,
} from "./reply-turn.ts";
import type { SlackThread } from "./session-threads.ts";
import type { SlackStore } from "./slack-store.ts";

export interface ReplyStreamerOptions {
  api: SlackApi;
  store: SlackStore;
  logger: Logger;
  intervalMs?: number | undefined;
  /** The owner's own workspace for `recipient_team_id` when no event said it (`users.info`). */
  users?: OwnerTeams;
  now?: () => number;
  /** The agent session status a reply's last stream leaves (Slack's default is `active`). */
  statusAfterStream?: (thread: SlackThread) => AgentSessionStatus | undefined;
  /** A reply's text reached its thread (for the time-to-first-reply metric). */
  onReplyShown?: (thread: SlackThread) => void;
}

function streamKey(channel: string, ts: string): string {
  return `${channel}:${ts}`;
}

/**
 * Streams a supervisor reply into its thread. Deltas are coalesced and flushed at most every
 * `intervalMs`; the first flush starts a Slack stream (`chat.startStream`), later ones append,
 * completion stops it. A reply longer than one message holds (12,000 characters), or one that
 * outlives a stream, continues in a new stream below. When the person stops the stream
 * (`stopped_by_user`), the reply ends there: nothing more is sent and the message is never
 * edited; a Stop by someone who may not stop the work (`streamsStopped(…, "interrupt")`) has the
 * whole reply posted anew below once complete. A final answer is streamed even when it comes
 * whole, so its last stop carries the feedback buttons. If streaming is refused, the reply is
 * posted and edited as text arrives.
 */
export class ReplyStreamer {
  private readonly turns = new Map<string, Turn>();
  /** Turns already completed here: a late or replayed delta must not start a second message. */
  private readonly completedTurns = new Set<string>();
  /** Streams Slack's Stop button ended, by channel and ts, and how their replies end. */
  private readonly stoppedStreams = new Map<string, ReplyStop>();
  private readonly queue = new KeyedQueue();
  private readonly messages: ReplyMessages;
  private readonly store: SlackStore;
  private readonly logger: Logger;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly statusAfterStream: (thread: SlackThread) => AgentSessionStatus | undefined;

  constructor(options: ReplyStreamerOptions) {
    this.messages = new ReplyMessages(options.api, options.users, options.onReplyShown ?? (() => undefined));
    this.store = options.store;
    this.logger = options.logger;
    this.intervalMs = options.intervalMs ?? 750;
    this.now = options.now ?? Date.now;
    this.statusAfterStream = options.statusAfterStream ?? (() => undefined);
  }

  /** Whether more of this turn will be shown: not once it completed or its person stopped it. */
  accepts(turnId: string): boolean {
    if (this.completedTurns.has(turnId)) return false;
    return this.turns.get(turnId)?.stopped !== true;
  }

  delta(sessionId: string, turnId: string, thread: SlackThread, delta: string): void {
    if (this.completedTurns.has(turnId)) return;
    const turn = this.turnFor(sessionId, turnId, thread);
    if (turn.finished || turn.stopped || turn.interrupted) return;
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

  /**
   * `final`: the supervisor's answer before it rests, which gets the feedback buttons; it may
   * still be worked out (it is awaited in the turn's queue, after any pending flush is cancelled).
   */
  completed(
    sessionId: string,
    turnId: string,
    thread: SlackThread,
    rawText: string,
    final: boolean | Promise<boolean> = false,
  ): Promise<void> {
    const text = safeMarkdown(redactSecrets(rawText));
    const turn = this.turnFor(sessionId, turnId, thread);
    if (turn.timer) clearTimeout(turn.timer);
    turn.timer = undefined;
    turn.finished = true;
    return this.queue.run(turnId, async () => {
      try {
        turn.finalAnswer = await final;
        await this.finish(turnId, turn, text);
      } finally {
        this.turns.delete(turnId);
        if (this.completedTurns.size > 10_000) this.completedTurns.clear();
        this.completedTurns.add(turnId);
      }
    });
  }

  /**
   * Slack stopped these streams in `channel` (its Stop button; `agent_session_stopped` lists them
   * as `streaming_message_ts`): nothing is written to them again. `stop` ends their replies where
   * they are; `interrupt` (whoever pressed Stop may not stop the work) posts each whole reply anew
   * in a new message once it is complete.
   */
  streamsStopped(channel: string, timestamps: readonly string[], how: ReplyStop): void {
    if (this.stoppedStreams.size > 10_000) this.stoppedStreams.clear();
    for (const ts of timestamps) this.stoppedStreams.set(streamKey(channel, ts), how);
    for (const [turnId, turn] of this.turns) {
      if (turn.thread.channel !== channel) continue;
      if (how === "stop" && turn.segment && timestamps.includes(turn.segment.ts)) {
        // At once: no delta of this turn is taken from now on.
        if (turn.timer) clearTimeout(turn.timer);
        turn.timer = undefined;
        turn.stopped = true;
      }
      // In the turn's queue: a stream still starting has its ts only once Slack answered.
      void this.queue
        .run(turnId, () => this.applyStop(turnId, turn, timestamps, how))
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
    if (turn.finished || this.isOver(turn) || turn.pending === "") return;
    const { ready, rest } = splitAtSafeEnd(turn.pending);
    if (ready === "") return;
    turn.pending = rest;
    await this.send(turnId, turn, safeMarkdown(redactSecrets(ready)), false);
  }

  /** Delivers `text` after what the reply shows, opening a new message as one fills or its stream ends. */
  private async send(turnId: string, turn: Turn, text: string, final: boolean): Promise<void> {
    let rest = text;
    while (rest !== "" && !this.isOver(turn)) {
      const segment = turn.segment ?? (await this.resume(turnId, turn));
      if (this.isOver(turn)) return;
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
    const { channel } = turn.thread;
    const index = turn.nextIndex;
    turn.nextIndex += 1;
    let segment: Segment | undefined;
    if (!turn.postOnly) {
      try {
        segment = {
          index,
          ts: await this.messages.startStream(turn.thread, piece),
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
      segment = {
        index,
        ts: await this.messages.post(turn.thread, piece),
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
    if (stored.contentHash === interruptedHash) {
      turn.interrupted = true;
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
        if (last) await this.stopStream(turn, segment, { piece, continuing: false });
        else await this.messages.append(channel, segment.ts, piece);
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
    await this.messages.update(channel, segment.ts, segment.text + piece);
    segment.text += piece;
    turn.delivered += piece;
    return true;
  }

  /** True when `error` says the stream is over, recorded so the message is never edited again. */
  private async streamEnded(turnId: string, turn: Turn, segment: Segment, error: unknown): Promise<boolean> {
    const reason = slackErrorOf(error);
    if (reason === "stopped_by_user") {
      if (this.stoppedStreams.get(streamKey(turn.thread.channel, segment.ts)) === "interrupt") {
        await this.markInterrupted(turnId, turn, segment);
      } else {
        await this.markStopped(turnId, turn, segment);
      }
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
        await this.stopStream(turn, segment, { continuing: options.continuing });
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

  /**
   * Stops a stream of the reply. Its agent session stays `processing` while the reply goes on in
   * a new message, and otherwise shows where the work is; the last stop of a final answer carries
   * the feedback buttons.
   */
  private async stopStream(
    turn: Turn,
    segment: Segment,
    options: { piece?: string; continuing: boolean },
  ): Promise<void> {
    await this.messages.stopStream(turn.thread.channel, segment.ts, {
      ...(options.piece ? { piece: options.piece } : {}),
      sessionStatus: options.continuing ? "processing" : this.statusAfterStream(turn.thread),
      feedback: turn.finalAnswer && !options.continuing,
    });
  }

  /** Whether nothing more of the reply is streamed: its person stopped it, or a stranger's Stop ended its stream. */
  private isOver(turn: Turn): boolean {
    return turn.stopped || turn.interrupted;
  }

  /** Records a Stop press listed in `agent_session_stopped`, once the turn's earlier calls are done. */
  private async applyStop(turnId: string, turn: Turn, timestamps: readonly string[], how: ReplyStop) {
    const segment = turn.segment;
    if (segment && timestamps.includes(segment.ts)) {
      if (how === "stop") await this.markStopped(turnId, turn, segment);
      else await this.markInterrupted(turnId, turn, segment);
      return;
    }
    // A write was refused with `stopped_by_user` before the event came: a stranger's Stop lets the reply go on.
    const stopped = turn.stoppedSegment;
    if (how === "interrupt" && stopped && timestamps.includes(stopped.ts)) {
      await this.markInterrupted(turnId, turn, stopped);
    }
  }

  private async markStopped(turnId: string, turn: Turn, segment: Segment): Promise<void> {
    turn.stopped = true;
    turn.stoppedSegment = segment;
    this.logger.info({ sessionId: turn.sessionId }, "the reply was stopped in Slack; it ends there");
    await this.settle(turnId, turn, segment, stoppedHash, { ended: true });
  }

  private async markInterrupted(turnId: string, turn: Turn, segment: Segment): Promise<void> {
    turn.stopped = false;
    turn.stoppedSegment = undefined;
    turn.interrupted = true;
    this.logger.info(
      { sessionId: turn.sessionId },
      "Slack stopped a reply's stream for someone who may not stop the work; the reply comes whole below",
    );
    await this.settle(turnId, turn, segment, interruptedHash, { ended: true });
  }

  private async finish(turnId: string, turn: Turn, text: string): Promise<void> {
    if (turn.stopped) return;
    if (turn.delivered === "" && turn.segment === undefined && !turn.interrupted) {
      const stored = await this.store.getMessage(turn.sessionId, replyPurpose(turnId, 0));
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
        await this.send(turnId, turn, text.slice(turn.delivered.length), true);
        const segment = turn.segment;
        if (segment && !this.isOver(turn)) await this.close(turnId, turn, segment, { continuing: false });
      }
    }
    if (turn.interrupted) await this.postWhole(turnId, turn, text);
  }

  /** After a stranger's Stop: the whole reply in new messages below the stopped one, each posted once. */
  private async postWhole(turnId: string, turn: Turn, text: string): Promise<void> {
    for (const [index, piece] of replyPieces(text).entries()) {
      const purpose = wholeReplyPurpose(turnId, index);
      if (piece.trim() === "" || (await this.store.getMessage(turn.sessionId, purpose))) continue;
      const ts = await this.messages.post(turn.thread, piece);
      await this.store.saveMessage(turn.sessionId, purpose, {
        channel: turn.thread.channel,
        ts,
        contentHash: finalHash,
      });
    }
  }

  /**
   * The final text differs from what was sent (a secret redacted only in the whole): each message
   * of the reply gets its part of it, except those Slack or the person ended.
   */
  private async rewrite(turnId: string, turn: Turn, text: string): Promise<void> {
    const open = turn.segment;
    if (open) await this.close(turnId, turn, open, { continuing: false });
    if (this.isOver(turn)) return;
    for (const [index, piece] of replyPieces(text).entries()) {
      const purpose = replyPurpose(turnId, index);
      const stored = await this.store.getMessage(turn.sessionId, purpose);
      if (stored?.contentHash === stoppedHash) return;
      if (stored?.contentHash === interruptedHash) {
        turn.interrupted = true;
        return;
      }
      if (stored && turn.ended.has(index)) continue;
      if (stored) {
        await this.messages.update(stored.channel, stored.ts, piece);
        await this.store.saveMessage(turn.sessionId, purpose, { ...stored, contentHash: finalHash });
        continue;
      }
      const ts = await this.messages.post(turn.thread, piece);
      await this.store.saveMessage(turn.sessionId, purpose, {
        channel: turn.thread.channel,
        ts,
        contentHash: finalHash,
      });
    }
  }
}
