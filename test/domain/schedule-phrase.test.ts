import { describe, expect, it } from "vitest";
import { parseSchedulePhrase, SchedulePhraseError } from "../../src/domain/schedule-phrase.ts";
import { nextRunAfter, onceInstant, ScheduleTimeError } from "../../src/domain/schedule-times.ts";

describe("schedule phrases", () => {
  it.each([
    ["every weekday at 9:00", "0 9 * * 1-5"],
    ["every monday at 8:30", "30 8 * * 1"],
    ["Every Mondays and Thu at 14:05", "5 14 * * 1,4"],
    ["daily at 17:00", "0 17 * * *"],
    ["every day at 5:30pm", "30 17 * * *"],
    ["every weekend at 12am", "0 0 * * 0,6"],
    ["every hour", "0 * * * *"],
    ["*/15 9-17 * * 1-5", "*/15 9-17 * * 1-5"],
  ])("%s becomes the cron expression %s", (phrase, cron) => {
    expect(parseSchedulePhrase(phrase)).toEqual({ kind: "cron", cron });
  });

  it("reads a one-time phrase as a date and a wall-clock time", () => {
    expect(parseSchedulePhrase("once on 2026-12-24 at 10:00")).toEqual({
      kind: "once",
      date: "2026-12-24",
      time: "10:00",
    });
  });

  it.each([
    ["", /Say when to run/],
    ["every funday at 9:00", /"funday" is not a day/],
    ["every monday", /Say at what time: "every monday at 9:00"/],
    ["daily at 25:00", /hours go 0-23/],
    ["daily at noonish", /"noonish" is not a time of day: write it as 24-hour HH:MM/],
    ["once on 2026-02-30 at 10:00", /"2026-02-30" is not a date: write it as YYYY-MM-DD/],
    ["once on tomorrow at 10:00", /"tomorrow" is not a date/],
    ["once on 2026-12-24", /Say at what time/],
    ["0 9 * *", /A cron expression has 5 fields/],
    ["whenever you like", /is not a schedule this understands\. Try "every weekday at 9:00"/],
  ])("refuses %j with a message that says what would work", (phrase, message) => {
    const attempt = () => parseSchedulePhrase(phrase);
    expect(attempt).toThrow(SchedulePhraseError);
    expect(attempt).toThrow(message);
  });
});

describe("schedule times", () => {
  it("finds the next weekday 9:00 in the schedule's time zone", () => {
    const when = parseSchedulePhrase("every weekday at 9:00");
    // Friday 2026-12-11 20:00 UTC: the next weekday 9:00 in Paris is Monday 08:00 UTC.
    const next = nextRunAfter(when, "Europe/Paris", new Date("2026-12-11T20:00:00Z"));
    expect(next?.toISOString()).toBe("2026-12-14T08:00:00.000Z");
    expect(nextRunAfter(when, "UTC", new Date("2026-12-11T20:00:00Z"))?.toISOString()).toBe(
      "2026-12-14T09:00:00.000Z",
    );
  });

  it("places a one-time run at its wall-clock time in the zone, and has none after it", () => {
    expect(onceInstant("2026-12-24", "10:00", "America/New_York").toISOString()).toBe(
      "2026-12-24T15:00:00.000Z",
    );
    const when = parseSchedulePhrase("once on 2026-12-24 at 10:00");
    expect(nextRunAfter(when, "UTC", new Date("2026-12-24T09:00:00Z"))?.toISOString()).toBe(
      "2026-12-24T10:00:00.000Z",
    );
    expect(nextRunAfter(when, "UTC", new Date("2026-12-24T10:00:00Z"))).toBeUndefined();
  });

  it("refuses a time zone that is not an IANA name, and a cron field out of range", () => {
    const when = parseSchedulePhrase("daily at 9:00");
    expect(() => nextRunAfter(when, "Mars/Olympus", new Date())).toThrow(ScheduleTimeError);
    expect(() => nextRunAfter(when, "Mars/Olympus", new Date())).toThrow(/IANA name such as Europe\/Paris/);
    expect(() => nextRunAfter(parseSchedulePhrase("0 25 * * *"), "UTC", new Date())).toThrow(
      /"0 25 \* \* \*" is not a valid cron expression/,
    );
  });
});
