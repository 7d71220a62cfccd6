import type { AgentSessionStatus } from "../../../domain/agent-session-status.ts";
import type { Logger } from "../../../logger.ts";
import type { SlackThread } from "../session-threads.ts";
import type { ReplyMessages } from "./reply-messages.ts";
import type { ReplyRecords } from "./reply-records.ts";
import type { ReplyStops } from "./reply-stops.ts";
import { finalHash, interruptedHash, type Segment, stoppedHash, type Turn } from "./reply-turn.ts";

interface ReplySegmentsOptions {
  messages: ReplyMessages;
  records: ReplyRecords;
  stops: ReplyStops;
  logger: Logger;
  now: () => number;
  /** The agent session status a reply's last stream leaves (Slack's default is `active`). */
  statusAfterStream: (thread: SlackThread) => AgentSessionStatus | undefined;
}

/**
 * One message of a reply from open to close: a Slack stream started, appended to and stopped, or,
 * where Slack refuses streaming, a posted message edited as text arrives.
 */
export class ReplySegments {
  private readonly messages: ReplyMessages;
  private readonly records: ReplyRecords;
  private readonly stops: ReplyStops;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly statusAfterStream: (thread: SlackThread) => AgentSessionStatus | undefined;

  constructor(options: ReplySegmentsOptions) {
    this.messages = options.messages;
    this.records = options.records;
    this.stops = options.stops;
    this.logger = options.logger;
    this.now = options.now;
    this.statusAfterStream = options.statusAfterStream;
  }

  /** Starts the reply's next message with `piece`. */
  async open(turnId: string, turn: Turn, piece: string): Promise<Segment> {
    const index = turn.nextIndex;
    turn.nextIndex += 1;
    const { ts, mode } = await this.start(turn, piece);
    const segment: Segment = { index, ts, mode, text: piece, startedAt: this.now(), full: false };
    turn.segment = segment;
    turn.delivered += piece;
    await this.records.opened(turnId, turn, segment);
    return segment;
  }

  /** A message of this reply posted before a restart is edited from scratch, unless its person stopped it. */
  async resume(turnId: string, turn: Turn): Promise<Segment | undefined> {
    const stored = await this.records.message(turnId, turn, turn.nextIndex);
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
  async extend(turnId: string, turn: Turn, segment: Segment, piece: string, last: boolean): Promise<boolean> {
    const place = turn.thread;
    if (segment.mode === "stream") {
      try {
        // The last piece rides on the stop, so a short reply costs start, append and stop at most.
        if (last) await this.stopStream(turn, segment, { piece, continuing: false });
        else await this.messages.append(place, segment.ts, piece);
        segment.text += piece;
        turn.delivered += piece;
        if (last) await this.records.settle(turnId, turn, segment, finalHash);
        return true;
      } catch (error) {
        if (await this.stops.streamEnded(turnId, turn, segment, error)) return false;
        this.logger.debug({ err: error }, "a stream call failed; editing the message instead");
        segment.mode = "edit";
      }
    }
    await this.messages.update(place, segment.ts, segment.text + piece);
    segment.text += piece;
    turn.delivered += piece;
    return true;
  }

  /** Ends the message: a stream is stopped (its session stays `processing` while the reply goes on). */
  async close(turnId: string, turn: Turn, segment: Segment, options: { continuing: boolean }): Promise<void> {
    if (segment.mode === "stream") {
      try {
        await this.stopStream(turn, segment, { continuing: options.continuing });
      } catch (error) {
        if (await this.stops.streamEnded(turnId, turn, segment, error)) return;
        this.logger.debug({ err: error }, "could not stop a reply's stream");
      }
    }
    await this.records.settle(turnId, turn, segment, finalHash);
  }

  /** A stream, or a posted message once Slack refused to start one for this reply. */
  private async start(turn: Turn, piece: string): Promise<Pick<Segment, "ts" | "mode">> {
    if (!turn.postOnly) {
      try {
        return { ts: await this.messages.startStream(turn.thread, piece), mode: "stream" };
      } catch (error) {
        this.logger.debug({ err: error }, "startStream failed; posting the reply instead");
        turn.postOnly = true;
      }
    }
    return { ts: await this.messages.post(turn.thread, piece), mode: "edit" };
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
    await this.messages.stopStream(turn.thread, segment.ts, {
      ...(options.piece ? { piece: options.piece } : {}),
      sessionStatus: options.continuing ? "processing" : this.statusAfterStream(turn.thread),
      feedback: turn.finalAnswer && !options.continuing,
    });
  }
}
