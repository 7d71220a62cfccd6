import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.ts";
import { ConfigurationError } from "../../src/domain/errors.ts";

const file = "/srv/threadwork/threadwork.config.json";

function load(environment: Record<string, string>, contents?: unknown) {
  return loadConfig(
    environment,
    [],
    contents === undefined ? {} : { file: { path: file, text: JSON.stringify(contents) } },
  );
}

describe("spend limits in the configuration", () => {
  it("reads dollars from the environment and the file into micro-dollars", () => {
    expect(load({}).limits.spendLimits).toEqual({});
    expect(
      load(
        { THREADWORK_LIMIT_CHANNEL_DAY_USD: "20", THREADWORK_ADMINS: "U012AB3CD, S0123ABCD" },
        {
          spendLimits: { teamPerMonthUsd: 500, personPerDayUsd: 2.5 },
        },
      ).limits.spendLimits,
    ).toEqual({ "channel-day": 20_000_000, "team-month": 500_000_000, "person-day": 2_500_000 });
    expect(load({ THREADWORK_ADMINS: "U012AB3CD, S0123ABCD" }).approvals.adminIds).toEqual([
      "U012AB3CD",
      "S0123ABCD",
    ]);
  });

  it("refuses a limit both places set differently, and one that is not a positive amount", () => {
    const problems = (environment: Record<string, string>, contents?: unknown) => {
      try {
        load(environment, contents);
      } catch (error) {
        if (error instanceof ConfigurationError) return error.problems.join("\n");
        throw error;
      }
      return "";
    };
    expect(
      problems({ THREADWORK_LIMIT_PERSON_DAY_USD: "5" }, { spendLimits: { personPerDayUsd: 6 } }),
    ).toContain("set both by THREADWORK_LIMIT_PERSON_DAY_USD and in /srv/threadwork/threadwork.config.json");
    expect(problems({ THREADWORK_LIMIT_PERSON_DAY_USD: "5" }, { spendLimits: { personPerDayUsd: 5 } })).toBe(
      "",
    );
    expect(problems({ THREADWORK_LIMIT_TEAM_MONTH_USD: "0" })).toContain("THREADWORK_LIMIT_TEAM_MONTH_USD");
    expect(problems({}, { spendLimits: { channelPerDayUsd: -1 } })).toContain("spendLimits");
  });
});
