import { ThreadworkError } from "./errors.ts";

/** When a schedule runs: a cron expression (5 fields) or once, at a wall-clock time in its time zone. */
export type ScheduleWhen = { kind: "cron"; cron: string } | { kind: "once"; date: string; time: string };

/** A phrase or cron expression that does not say when to run; the message says what would. */
export class SchedulePhraseError extends ThreadworkError {
  constructor(message: string, phrase: string) {
    super("schedule_phrase_invalid", message, {
      category: "user",
      details: { phrase: phrase.slice(0, 200) },
    });
    this.name = "SchedulePhraseError";
  }
}

export const schedulePhraseExamples = [
  "every weekday at 9:00",
  "every monday at 8:30",
  "every monday and thursday at 14:00",
  "daily at 17:00",
  "every hour",
  "once on 2026-12-24 at 10:00",
  "0 9 * * 1-5 (a cron expression)",
];

const examplesLine = `Try ${schedulePhraseExamples.map((example) => `"${example}"`).join(", ")}.`;

const dayNumbers: Record<string, number> = {
  sunday: 0,
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
};

function dayNumber(word: string): number | undefined {
  const singular = word.endsWith("s") && !(word in dayNumbers) ? word.slice(0, -1) : word;
  if (singular in dayNumbers) return dayNumbers[singular];
  const short = Object.keys(dayNumbers).find((day) => singular.length >= 3 && day.startsWith(singular));
  return short === undefined ? undefined : dayNumbers[short];
}

/** `9:00`, `09:30`, `17:00`, `9am`, `5:30pm` → hour and minute; a clear error otherwise. */
export function parseClockTime(text: string, phrase: string): { hour: number; minute: number } {
  const match = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$/.exec(text.trim());
  if (!match || (match[2] === undefined && match[3] === undefined)) {
    throw new SchedulePhraseError(
      `"${text}" is not a time of day: write it as 24-hour HH:MM (9:00, 17:30) or with am/pm (9am, 5:30pm).`,
      phrase,
    );
  }
  let hour = Number(match[1]);
  const minute = Number(match[2] ?? "0");
  const meridiem = match[3];
  if (meridiem && (hour < 1 || hour > 12)) {
    throw new SchedulePhraseError(`"${text}": with am/pm the hour is 1 to 12.`, phrase);
  }
  if (meridiem === "pm" && hour !== 12) hour += 12;
  if (meridiem === "am" && hour === 12) hour = 0;
  if (hour > 23 || minute > 59) {
    throw new SchedulePhraseError(`"${text}" is not a time of day: hours go 0-23 and minutes 0-59.`, phrase);
  }
  return { hour, minute };
}

function parseDays(text: string, phrase: string): string {
  const words = text
    .split(/\s*(?:,|\band\b)\s*/)
    .map((word) => word.trim())
    .filter((word) => word.length > 0);
  if (words.length === 0)
    throw new SchedulePhraseError(`Say which days after "every". ${examplesLine}`, phrase);
  const days = words.map((word) => {
    const day = dayNumber(word);
    if (day === undefined) {
      throw new SchedulePhraseError(
        `"${word}" is not a day: use day, weekday, weekend, or a day name such as monday. ${examplesLine}`,
        phrase,
      );
    }
    return day;
  });
  return [...new Set(days)].sort((left, right) => left - right).join(",");
}

const cronFieldPattern = /^[0-9*,/\-A-Za-z?]+$/;

/** True when `text` looks like a 5-field cron expression rather than words. */
function looksLikeCron(text: string): boolean {
  const fields = text.split(/\s+/);
  return (
    fields.length >= 4 &&
    fields.length <= 7 &&
    fields.every((field) => cronFieldPattern.test(field)) &&
    /^[0-9*]/.test(text)
  );
}

function checkCron(text: string, phrase: string): ScheduleWhen {
  const fields = text.split(/\s+/);
  if (fields.length !== 5) {
    throw new SchedulePhraseError(
      `A cron expression has 5 fields (minute hour day-of-month month day-of-week), e.g. "0 9 * * 1-5"; "${text}" has ${fields.length}.`,
      phrase,
    );
  }
  return { kind: "cron", cron: fields.join(" ") };
}

function validDate(date: string): boolean {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

/**
 * Turns a schedule phrase into when it runs. The grammar, case-insensitive:
 * - a 5-field cron expression: `0 9 * * 1-5`
 * - `every day|weekday|weekend at TIME`, `daily at TIME`
 * - `every DAY[, DAY and DAY] at TIME` (day names, plural or three-letter short forms too)
 * - `every hour`, `hourly`
 * - `once on YYYY-MM-DD at TIME`
 * TIME is `9:00`, `17:30`, `9am` or `5:30pm`. Anything else throws a `SchedulePhraseError` that
 * says what was wrong and shows examples.
 */
export function parseSchedulePhrase(phrase: string): ScheduleWhen {
  const text = phrase.trim().replace(/\s+/g, " ");
  if (text.length === 0) throw new SchedulePhraseError(`Say when to run. ${examplesLine}`, phrase);
  if (looksLikeCron(text)) return checkCron(text, phrase);
  const lower = text.toLowerCase();
  if (lower === "every hour" || lower === "hourly") return { kind: "cron", cron: "0 * * * *" };
  const once = /^once on (\S+)(?: at (.+))?$/.exec(lower);
  if (once) {
    const date = once[1] ?? "";
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !validDate(date)) {
      throw new SchedulePhraseError(
        `"${date}" is not a date: write it as YYYY-MM-DD, e.g. 2026-12-24.`,
        phrase,
      );
    }
    if (once[2] === undefined)
      throw new SchedulePhraseError(`Say at what time: "once on ${date} at 10:00".`, phrase);
    const { hour, minute } = parseClockTime(once[2], phrase);
    return {
      kind: "once",
      date,
      time: `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`,
    };
  }
  const recurring = /^(?:every (.+?)|daily)(?: at (.+))?$/.exec(lower);
  if (!recurring) {
    throw new SchedulePhraseError(`"${text}" is not a schedule this understands. ${examplesLine}`, phrase);
  }
  const which = recurring[1] ?? "day";
  if (recurring[2] === undefined) {
    throw new SchedulePhraseError(
      `Say at what time: "${lower.startsWith("daily") ? "daily" : `every ${which}`} at 9:00".`,
      phrase,
    );
  }
  const { hour, minute } = parseClockTime(recurring[2], phrase);
  const days =
    which === "day"
      ? "*"
      : which === "weekday"
        ? "1-5"
        : which === "weekend"
          ? "0,6"
          : parseDays(which, phrase);
  return { kind: "cron", cron: `${minute} ${hour} * * ${days}` };
}
