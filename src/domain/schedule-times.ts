import { CronExpressionParser } from "cron-parser";
import { ThreadworkError } from "./errors.ts";
import type { ScheduleWhen } from "./schedule-phrase.ts";

/** A time zone that is not an IANA name this runtime knows, or a cron expression out of range. */
export class ScheduleTimeError extends ThreadworkError {
  constructor(message: string, details: Record<string, string>) {
    super("schedule_time_invalid", message, { category: "user", details });
    this.name = "ScheduleTimeError";
  }
}

/** Whether `timeZone` is an IANA time zone name (`Europe/Paris`, `UTC`). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

function requireTimeZone(timeZone: string): void {
  if (!isTimeZone(timeZone)) {
    throw new ScheduleTimeError(
      `"${timeZone}" is not a time zone: use an IANA name such as Europe/Paris, America/New_York or UTC.`,
      { timeZone },
    );
  }
}

function cronAfter(cron: string, timeZone: string, after: Date): Date {
  try {
    return CronExpressionParser.parse(cron, { currentDate: after, tz: timeZone }).next().toDate();
  } catch (error) {
    throw new ScheduleTimeError(`"${cron}" is not a valid cron expression: ${(error as Error).message}`, {
      cron,
    });
  }
}

/** The instant `date` `time` (wall clock) happens in `timeZone`; a time skipped by a clock change moves to the next that exists. */
export function onceInstant(date: string, time: string, timeZone: string): Date {
  requireTimeZone(timeZone);
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const [hour, minute] = time.split(":").map(Number) as [number, number];
  // The first occurrence of that minute of that day of the year, in the zone, searched from a day before.
  const from = new Date(Date.UTC(year, month - 1, day) - 36 * 3600 * 1000);
  return cronAfter(`${minute} ${hour} ${day} ${month} *`, timeZone, from);
}

/**
 * The first run strictly after `after`, or undefined when there is none (a one-time schedule
 * whose moment is not after `after`). Throws `ScheduleTimeError` for an unknown time zone or
 * a cron expression out of range.
 */
export function nextRunAfter(when: ScheduleWhen, timeZone: string, after: Date): Date | undefined {
  requireTimeZone(timeZone);
  if (when.kind === "once") {
    const at = onceInstant(when.date, when.time, timeZone);
    return at.getTime() > after.getTime() ? at : undefined;
  }
  return cronAfter(when.cron, timeZone, after);
}
