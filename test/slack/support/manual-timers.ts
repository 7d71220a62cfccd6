import type { SurfaceTimers } from "../../../src/surfaces/slack/timers.ts";

interface Scheduled {
  at: number;
  callback: () => unknown;
}

/**
 * A clock the test moves by hand: `advance` runs every callback that falls due, in order,
 * and waits for the work each one returns. Share `now` with the fake Slack so both agree
 * on the time.
 */
export class ManualTimers implements SurfaceTimers {
  private current = Date.parse("2026-11-24T09:00:00Z");
  private readonly scheduled = new Set<Scheduled>();

  readonly now = (): number => this.current;

  /** Callbacks waiting for their time. */
  get pending(): number {
    return this.scheduled.size;
  }

  schedule(callback: () => unknown, delayMs: number): () => void {
    const entry = { at: this.current + delayMs, callback };
    this.scheduled.add(entry);
    return () => this.scheduled.delete(entry);
  }

  async advance(milliseconds: number): Promise<void> {
    const target = this.current + milliseconds;
    for (;;) {
      const due = [...this.scheduled].filter((entry) => entry.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.scheduled.delete(due);
      this.current = due.at;
      await due.callback();
    }
    this.current = target;
  }
}
