import { slackErrorOf } from "../../../adapters/slack/slack-errors.ts";
import type { Logger } from "../../../logger.ts";
import type { ReplyRecords } from "./reply-records.ts";
import {
  finalHash,
  interruptedHash,
  type ReplyStop,
  type Segment,
  stoppedHash,
  type Turn,
} from "./reply-turn.ts";

function streamKey(channel: string, ts: string): string {
  return `${channel}:${ts}`;
}

/**
 * How a reply's streams end other than by the reply finishing. A Stop by its person (`stop`)
 * ends the reply where it is; a Stop by someone who may not stop the work (`interrupt`) has the
 * whole reply posted anew below once complete; a stream Slack closed continues in a new one.
 */
export class ReplyStops {
  /** Streams Slack's Stop button ended, by channel and ts, and how their replies end. */
  private readonly stoppedStreams = new Map<string, ReplyStop>();
  private readonly records: ReplyRecords;
  private readonly logger: Logger;

  constructor(records: ReplyRecords, logger: Logger) {
    this.records = records;
    this.logger = logger;
  }

  /** Notes the streams `agent_session_stopped` listed, for a write to one that Slack refuses later. */
  note(channel: string, timestamps: readonly string[], how: ReplyStop): void {
    if (this.stoppedStreams.size > 10_000) this.stoppedStreams.clear();
    for (const ts of timestamps) this.stoppedStreams.set(streamKey(channel, ts), how);
  }

  /** Records a Stop press listed in `agent_session_stopped`, once the turn's earlier calls are done. */
  async apply(turnId: string, turn: Turn, timestamps: readonly string[], how: ReplyStop): Promise<void> {
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

  /** True when `error` says the stream is over, recorded so the message is never edited again. */
  async streamEnded(turnId: string, turn: Turn, segment: Segment, error: unknown): Promise<boolean> {
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
      await this.records.settle(turnId, turn, segment, finalHash, { ended: true });
      return true;
    }
    return false;
  }

  private async markStopped(turnId: string, turn: Turn, segment: Segment): Promise<void> {
    turn.stopped = true;
    turn.stoppedSegment = segment;
    this.logger.info({ sessionId: turn.sessionId }, "the reply was stopped in Slack; it ends there");
    await this.records.settle(turnId, turn, segment, stoppedHash, { ended: true });
  }

  private async markInterrupted(turnId: string, turn: Turn, segment: Segment): Promise<void> {
    turn.stopped = false;
    turn.stoppedSegment = undefined;
    turn.interrupted = true;
    this.logger.info(
      { sessionId: turn.sessionId },
      "Slack stopped a reply's stream for someone who may not stop the work; the reply comes whole below",
    );
    await this.records.settle(turnId, turn, segment, interruptedHash, { ended: true });
  }
}
