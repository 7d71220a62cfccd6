import type { SurfaceTelemetry } from "../../domain/telemetry-port.ts";
import type { SlackThread } from "./session-threads.ts";

/** Threads waiting for their first reply; past this the oldest are forgotten. */
const maximumWaiting = 10_000;

/**
 * How long a person waits: from a message's arrival to the first sign it was seen, and
 * to the first reply text in its thread. A second message before the reply keeps the
 * first one's arrival, since that is how long the thread has waited.
 */
export class ResponseTimer {
  private readonly waiting = new Map<string, number>();
  private readonly telemetry: SurfaceTelemetry;
  private readonly now: () => number;

  constructor(telemetry: SurfaceTelemetry, now: () => number = Date.now) {
    this.telemetry = telemetry;
    this.now = now;
  }

  /** A message that arrived at `at` (now by default) is taken; returns its arrival time. */
  arrived(thread: Pick<SlackThread, "channel" | "threadTs">, at: number = this.now()): number {
    const key = keyOf(thread);
    if (!this.waiting.has(key)) {
      if (this.waiting.size >= maximumWaiting) {
        const oldest = this.waiting.keys().next().value;
        if (oldest !== undefined) this.waiting.delete(oldest);
      }
      this.waiting.set(key, at);
    }
    return at;
  }

  feedbackShown(arrivedAt: number): void {
    this.telemetry.firstFeedback("slack", (this.now() - arrivedAt) / 1000);
  }

  replyShown(thread: Pick<SlackThread, "channel" | "threadTs">): void {
    const key = keyOf(thread);
    const arrivedAt = this.waiting.get(key);
    if (arrivedAt === undefined) return;
    this.waiting.delete(key);
    this.telemetry.firstReply("slack", (this.now() - arrivedAt) / 1000);
  }
}

function keyOf(thread: Pick<SlackThread, "channel" | "threadTs">): string {
  return `${thread.channel}:${thread.threadTs}`;
}
