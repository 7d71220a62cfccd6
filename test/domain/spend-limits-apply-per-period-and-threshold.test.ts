import { describe, expect, it } from "vitest";
import { splitAdminIds } from "../../src/domain/admin-ids.ts";
import { parseLimitsCommand } from "../../src/domain/limits-command.ts";
import {
  limitReached,
  limitReachedText,
  limitsInForce,
  mayExtendSpendLimit,
  parseDollars,
  spendLimitKey,
  spendPeriod,
  targetsFor,
  thresholdsReached,
} from "../../src/domain/spend-limits.ts";

const scope = { teamId: "T1", enterpriseId: undefined };

describe("spend limits", () => {
  it("counts days and months in UTC, whatever the hour", () => {
    const late = new Date("2026-12-31T23:59:59.999Z");
    expect(spendPeriod("channel-day", late)).toEqual({
      key: "2026-12-31",
      start: new Date("2026-12-31T00:00:00Z"),
      end: new Date("2027-01-01T00:00:00Z"),
    });
    expect(spendPeriod("team-month", late)).toEqual({
      key: "2026-12",
      start: new Date("2026-12-01T00:00:00Z"),
      end: new Date("2027-01-01T00:00:00Z"),
    });
    expect(spendPeriod("person-day", new Date("2027-01-01T00:00:00Z")).key).toBe("2027-01-01");
  });

  it("applies a team's own limit over the configured one, and only limits with a subject", () => {
    const amounts = limitsInForce(
      { "channel-day": 5_000_000, "person-day": 1_000_000 },
      { "channel-day": 9 },
    );
    expect(amounts).toEqual({ "channel-day": 9, "person-day": 1_000_000 });
    const now = new Date("2026-12-08T10:00:00Z");
    const inChannel = targetsFor({ scope, channelId: "C1", personId: "U1" }, amounts, now);
    expect(inChannel.map(({ target }) => [target.kind, target.subject])).toEqual([
      ["channel-day", "C1"],
      ["person-day", "U1"],
    ]);
    const noChannel = targetsFor({ scope, channelId: undefined, personId: "U1" }, amounts, now);
    expect(noChannel.map(({ target }) => target.kind)).toEqual(["person-day"]);
  });

  it("crosses 75% and 95% in order and pauses at the limit", () => {
    expect(thresholdsReached(749_999, 1_000_000)).toEqual([]);
    expect(thresholdsReached(750_000, 1_000_000)).toEqual([75]);
    expect(thresholdsReached(960_000, 1_000_000)).toEqual([75, 95]);
    expect(limitReached(999_999, 1_000_000)).toBe(false);
    expect(limitReached(1_000_000, 1_000_000)).toBe(true);
  });

  it("keys a limit by team, organization, kind, subject and period, so alerts are once per period", () => {
    const target = {
      scope: { teamId: "T1", enterpriseId: "E1" },
      kind: "channel-day" as const,
      subject: "C1",
      period: spendPeriod("channel-day", new Date("2026-12-08T10:00:00Z")),
    };
    expect(spendLimitKey(target, "75")).toBe("E1/T1/channel-day/C1/2026-12-08/75");
    expect(spendLimitKey({ ...target, scope })).toBe("/T1/channel-day/C1/2026-12-08");
  });

  it("lets only approvers and admins raise a limit, not a session's owner as such", () => {
    expect(mayExtendSpendLimit({ userId: "U1", approvers: ["U2"], admins: ["U3"] })).toBe(false);
    expect(mayExtendSpendLimit({ userId: "U2", approvers: ["U2"], admins: [] })).toBe(true);
    expect(mayExtendSpendLimit({ userId: "U3", approvers: [], admins: ["U3"] })).toBe(true);
    expect(mayExtendSpendLimit({ userId: "", approvers: [""], admins: [] })).toBe(false);
  });

  it("reads dollar amounts and says which limit paused the work", () => {
    expect(parseDollars("12.5")).toBe(12_500_000);
    expect(parseDollars("$3")).toBe(3_000_000);
    expect(parseDollars("0")).toBeUndefined();
    expect(parseDollars("-1")).toBeUndefined();
    expect(parseDollars("ten")).toBeUndefined();
    expect(limitReachedText("channel-day", 1_020_000, 1_000_000)).toContain(
      "the channel's daily spend limit is reached, $1.02 spent of $1.00 today (UTC)",
    );
  });
});

describe("/threadwork limits", () => {
  it("reads show, set and clear with the limit's short name, and refuses anything else", () => {
    expect(parseLimitsCommand("")).toEqual({ kind: "show" });
    expect(parseLimitsCommand("set Channel 20")).toEqual({
      kind: "set",
      limit: "channel-day",
      amountMicros: 20_000_000,
    });
    expect(parseLimitsCommand("set team $500")).toEqual({
      kind: "set",
      limit: "team-month",
      amountMicros: 500_000_000,
    });
    expect(parseLimitsCommand("clear person")).toEqual({ kind: "clear", limit: "person-day" });
    expect(parseLimitsCommand("set person").kind).toBe("invalid");
    expect(parseLimitsCommand("set galaxy 5").kind).toBe("invalid");
    expect(parseLimitsCommand("set person 5 extra").kind).toBe("invalid");
    expect(parseLimitsCommand("raise channel 5").kind).toBe("invalid");
  });

  it("splits THREADWORK_ADMINS into people and user groups", () => {
    expect(splitAdminIds(["U012AB3CD", "W0GRID", "S0123ABCD", "C0CHANNEL", ""])).toEqual({
      users: ["U012AB3CD", "W0GRID"],
      usergroups: ["S0123ABCD"],
    });
  });
});
