import { nextRunAfter } from "../../../domain/schedule-times.ts";
import type { Schedule } from "../../../domain/schedules.ts";
import type { SlackSurfaceContext } from "../surface-context.ts";
import { startTriggeredSession } from "../triggered-session.ts";
import type { ScheduleStore } from "./schedule-store.ts";

/** How often each instance looks for due schedules: a run starts at most this late. */
export const defaultSchedulePollMs = 30_000;

/**
 * Every instance polls the shared table; a due run is claimed by moving its `next_run_at` from
 * the value read to the first run after now, so exactly one instance starts it. Runs missed
 * while every instance was down collapse into one, started at the first poll after start-up.
 * A run is claimed before its session starts: if Slack or the process fails in between, that
 * run is lost (logged), never doubled.
 */
export class ScheduleRunner {
  private readonly context: SlackSurfaceContext;
  private readonly store: ScheduleStore;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(options: { context: SlackSurfaceContext; store: ScheduleStore; intervalMs?: number }) {
    this.context = options.context;
    this.store = options.store;
    this.intervalMs = options.intervalMs ?? defaultSchedulePollMs;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private loop(): void {
    if (this.stopped) return;
    this.running = this.poll()
      .then(() => undefined)
      .catch((error: unknown) => this.context.logger.warn({ err: error }, "could not look for due schedules"))
      .finally(() => {
        if (this.stopped) return;
        this.timer = setTimeout(() => this.loop(), this.intervalMs);
        this.timer.unref();
      });
  }

  /** Claims and starts every run due now; returns the ids of the schedules this instance started. */
  async poll(): Promise<string[]> {
    const now = this.context.now();
    const started: string[] = [];
    for (const schedule of await this.store.listDue(now)) {
      if (await this.claim(schedule, now)) {
        started.push(schedule.id);
        await this.run(schedule);
      }
    }
    return started;
  }

  private async claim(schedule: Schedule, now: Date): Promise<boolean> {
    const due = schedule.nextRunAt;
    if (!due) return false;
    let next: Date | undefined;
    try {
      next = nextRunAfter(schedule.when, schedule.timeZone, now);
    } catch (error) {
      // A zone this runtime no longer knows: the schedule stops rather than firing on every poll.
      this.context.logger.warn(
        { err: error, schedule: schedule.id },
        "a schedule's next run cannot be computed",
      );
      next = undefined;
    }
    return this.store.claimRun({ id: schedule.id, due, next, now });
  }

  private async run(schedule: Schedule): Promise<void> {
    // The installation it was made in; with many installations, one made without any fails closed.
    const scope = schedule.teamId
      ? { teamId: schedule.teamId, enterpriseId: schedule.enterpriseId }
      : undefined;
    const context = this.context.forInstallation(scope);
    const log = { schedule: schedule.id, owner: schedule.ownerId, channel: schedule.channel };
    try {
      const actor = {
        userId: schedule.ownerId,
        userTeam: undefined,
        channel: schedule.channel,
        mayBeShared: false,
      };
      const decision = await context.access.check(actor, "start");
      if (!decision.allowed) {
        context.logger.warn(
          { ...log, reason: decision.reason },
          "a schedule's owner may no longer start sessions there: run skipped",
        );
        return;
      }
      const { sessionId } = await startTriggeredSession(context, {
        trigger: {
          kind: "schedule",
          label: `schedule "${schedule.phrase}" (${schedule.id})`,
          ...(schedule.link ? { link: schedule.link } : {}),
        },
        channel: schedule.channel,
        ownerId: schedule.ownerId,
        text: schedule.text,
        metadata: { scheduleId: schedule.id },
      });
      context.logger.info({ ...log, sessionId }, "a schedule started a session");
    } catch (error) {
      context.logger.error({ ...log, err: error }, "a schedule's run could not start: it is skipped");
    }
  }
}
