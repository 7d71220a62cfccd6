import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.ts";
import { ConfigurationError } from "../../src/domain/errors.ts";

const file = "/etc/threadwork/threadwork.config.json";
const entry = { id: "daily-report", channel: "C0OPS", owner: "U0OWNER", text: "Summarize the deploys." };

function load(schedules: unknown[]) {
  return loadConfig({}, [], { file: { path: file, text: JSON.stringify({ schedules }) } });
}

function problemsOf(schedules: unknown[]): string[] {
  try {
    load(schedules);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigurationError");
}

describe("schedules in the configuration file", () => {
  it("reads a phrase or a cron expression into one phrase per schedule", () => {
    const config = load([
      { ...entry, phrase: "every weekday at 9:00", timeZone: "Europe/Paris" },
      { ...entry, id: "hourly", cron: "0 * * * *" },
    ]);
    expect(config.schedules).toEqual([
      { ...entry, phrase: "every weekday at 9:00", timeZone: "Europe/Paris" },
      { ...entry, id: "hourly", phrase: "0 * * * *" },
    ]);
  });

  it("refuses a phrase it cannot read, an unknown zone, both or neither of phrase and cron, and repeated ids", () => {
    expect(problemsOf([{ ...entry, phrase: "every funday at 9:00" }]).join("\n")).toContain(
      'schedules[0].phrase "funday" is not a day',
    );
    expect(
      problemsOf([{ ...entry, phrase: "daily at 9:00", timeZone: "Mars/Olympus" }]).join("\n"),
    ).toContain("must be an IANA time zone");
    expect(problemsOf([{ ...entry, phrase: "daily at 9:00", cron: "0 9 * * *" }]).join("\n")).toContain(
      "either `phrase` or `cron`",
    );
    expect(problemsOf([entry]).join("\n")).toContain("either `phrase` or `cron`");
    expect(
      problemsOf([
        { ...entry, phrase: "daily at 9:00" },
        { ...entry, phrase: "daily at 10:00" },
      ]).join("\n"),
    ).toContain("ids must differ");
  });
});
