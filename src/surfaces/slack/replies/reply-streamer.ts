import type { SlackApi } from "../../../adapters/slack/slack-api.ts";
import type { AgentSessionStatus } from "../../../domain/agent-session-status.ts";
import { redactSecrets } from "../../../domain/secret-redaction.ts";
import type { Logger } from "../../../logger.ts";
import { safeMarkdown, splitAtSafeEnd } from "../blocks/format.ts";
import { KeyedQueue } from "../keyed-queue.ts";
import type { SlackThread } from "../session-threads.ts";
import type { SlackStore } from "../slack-store.ts";
import { ReplyCompletion } from "./reply-completion.ts";
import { type OwnerTeams, ReplyMessages } from "./reply-messages.ts";
import { ReplyRecords } from "./reply-records.ts";
import { ReplySegments } from "./reply-segments.ts";
import { ReplySender } from "./reply-sender.ts";
import { ReplyStops } from "./reply-stops.ts";
import { newTurn, type ReplyStop, replyIsOver, type Turn } from "./reply-turn.ts";

interface ReplyStreamerOptions {
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

/** What a reply shows of the model's text: no secret, no mention or link the model assembled. */
function shown(text: string): string {
  return safeMarkdown(redactSecrets(text));
}

/** No pending flush of the turn goes out. */
function cancelFlush(turn: Turn): void {
  if (turn.timer) clearTimeout(turn.timer);
  turn.timer = undefined;
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
  /** Each turn's Slack calls run in order; different turns' run side by side. */
  private readonly queue = new KeyedQueue();
  private readonly stops: ReplyStops;
  private readonly sender: ReplySender;
  private readonly completion: ReplyCompletion;
  private readonly logger: Logger;
  private readonly intervalMs: number;

  constructor(options: ReplyStreamerOptions) {
    const now = options.now ?? Date.now;
    const messages = new ReplyMessages(options.api, options.users, options.onReplyShown ?? (() => undefined));
    const records = new ReplyRecords(options.store);
    this.stops = new ReplyStops(records, options.logger);
    const segments = new ReplySegments({
      messages,
      records,
      stops: this.stops,
      logger: options.logger,
      now,
      statusAfterStream: options.statusAfterStream ?? (() => undefined),
    });
    this.sender = new ReplySender(segments, now);
    this.completion = new ReplyCompletion({ messages, records, segments, sender: this.sender });
    this.logger = options.logger;
    this.intervalMs = options.intervalMs ?? 750;
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
    const text = shown(rawText);
    const turn = this.turnFor(sessionId, turnId, thread);
    cancelFlush(turn);
    turn.finished = true;
    return this.queue.run(turnId, async () => {
      try {
        turn.finalAnswer = await final;
        await this.completion.finish(turnId, turn, text);
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
    this.stops.note(channel, timestamps, how);
    for (const [turnId, turn] of this.turns) {
      if (turn.thread.channel !== channel) continue;
      if (how === "stop" && turn.segment && timestamps.includes(turn.segment.ts)) {
        // At once: no delta of this turn is taken from now on.
        cancelFlush(turn);
        turn.stopped = true;
      }
      // In the turn's queue: a stream still starting has its ts only once Slack answered.
      void this.queue
        .run(turnId, () => this.stops.apply(turnId, turn, timestamps, how))
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

  /** Sends the pending text up to where it is safe to send; the rest waits for the next delta. */
  private async flush(turnId: string, turn: Turn): Promise<void> {
    if (turn.finished || replyIsOver(turn) || turn.pending === "") return;
    const { ready, rest } = splitAtSafeEnd(turn.pending);
    if (ready === "") return;
    turn.pending = rest;
    await this.sender.send(turnId, turn, shown(ready), false);
  }
}
