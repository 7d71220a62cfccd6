import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database, DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { usageLedger } from "../../src/adapters/database/schema.ts";
import { createSession } from "../../src/adapters/database/sessions.ts";
import {
  claimSpendAlert,
  clearTeamSpendLimit,
  extendSpendLimit,
  extensionOf,
  setTeamSpendLimit,
  spendOverview,
  spentAgainst,
  teamSpendLimits,
} from "../../src/adapters/database/spend-limits.ts";
import { recordUsage } from "../../src/adapters/database/usage.ts";
import { type SpendLimitKind, spendPeriod } from "../../src/domain/spend-limits.ts";
import type { TeamScope } from "../../src/domain/team-scope.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";

const now = new Date("2026-12-08T12:00:00Z");
const teamOne: TeamScope = { teamId: "T1", enterpriseId: undefined };
const teamTwo: TeamScope = { teamId: "T2", enterpriseId: undefined };
const noTokens = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

describe.each(backends)("spend limits on %s", (backend) => {
  let handle: DatabaseHandle;
  let db: Database;
  let step = 0;

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
    db = handle.db;
    // Today: T1 C1 by U1 $1 + $2, T1 C2 by U2 $4; yesterday T1 C1 by U1 $8; T2 C1 by U1 $16.
    await spend({ team: "T1", channel: "C1", owner: "U1", micros: 1_000_000, at: now });
    await spend({ team: "T1", channel: "C1", owner: "U1", micros: 2_000_000, at: now });
    await spend({ team: "T1", channel: "C2", owner: "U2", micros: 4_000_000, at: now });
    await spend({
      team: "T1",
      channel: "C1",
      owner: "U1",
      micros: 8_000_000,
      at: new Date("2026-12-07T23:59:59Z"),
    });
    await spend({ team: "T2", channel: "C1", owner: "U1", micros: 16_000_000, at: now });
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function spend(options: { team: string; channel: string; owner: string; micros: number; at: Date }) {
    const { session } = await createSession(db, {
      surface: "slack",
      conversationKey: `${options.team}:${options.channel}:${randomUUID()}`,
      ownerId: options.owner,
      metadata: { teamId: options.team, channel: options.channel, threadTs: "1.1" },
    });
    step += 1;
    const agentId = `agt_${randomUUID()}`;
    await recordUsage(db, {
      sessionId: session.id,
      agentId,
      step,
      provider: "anthropic",
      model: "m",
      usage: noTokens,
      costMicros: options.micros,
    });
    await db.update(usageLedger).set({ createdAt: options.at }).where(eq(usageLedger.agentId, agentId));
  }

  const target = (scope: TeamScope, kind: SpendLimitKind, subject: string) => ({
    scope,
    kind,
    subject,
    period: spendPeriod(kind, now),
  });

  it("counts a channel's, a person's and a team's spend in their UTC period, never another team's", async () => {
    expect(await spentAgainst(db, target(teamOne, "channel-day", "C1"))).toBe(3_000_000);
    expect(await spentAgainst(db, target(teamOne, "person-day", "U1"))).toBe(3_000_000);
    expect(await spentAgainst(db, target(teamOne, "team-month", "T1"))).toBe(15_000_000);
    expect(await spentAgainst(db, target(teamTwo, "channel-day", "C1"))).toBe(16_000_000);
    expect(await spentAgainst(db, target({ teamId: "T3", enterpriseId: "E1" }, "team-month", "T3"))).toBe(0);
    expect(await spendOverview(db, teamOne, now)).toEqual({
      teamMonthMicros: 15_000_000,
      channels: [
        { channelId: "C2", micros: 4_000_000 },
        { channelId: "C1", micros: 3_000_000 },
      ],
      people: [
        { personId: "U2", micros: 4_000_000 },
        { personId: "U1", micros: 3_000_000 },
      ],
    });
  });

  it("keeps a team's own limits apart from another team's", async () => {
    await setTeamSpendLimit(db, teamOne, { kind: "channel-day", amountMicros: 5_000_000, setBy: "U9" });
    await setTeamSpendLimit(db, teamOne, { kind: "channel-day", amountMicros: 6_000_000, setBy: "U9" });
    await setTeamSpendLimit(
      db,
      { teamId: "T1", enterpriseId: "E1" },
      {
        kind: "team-month",
        amountMicros: 7_000_000_000,
        setBy: "U9",
      },
    );
    expect(await teamSpendLimits(db, teamOne)).toEqual({ "channel-day": 6_000_000 });
    expect(await teamSpendLimits(db, teamTwo)).toEqual({});
    expect(await teamSpendLimits(db, { teamId: "T1", enterpriseId: "E1" })).toEqual({
      "team-month": 7_000_000_000,
    });
    await clearTeamSpendLimit(db, teamOne, "channel-day");
    expect(await teamSpendLimits(db, teamOne)).toEqual({});
  });

  it("adds extensions up for their period only", async () => {
    const today = target(teamOne, "channel-day", "C1");
    await extendSpendLimit(db, today, { extraMicros: 5_000_000, extendedBy: "U9" });
    await extendSpendLimit(db, today, { extraMicros: 5_000_000, extendedBy: "U9" });
    expect(await extensionOf(db, today)).toBe(10_000_000);
    const tomorrow = { ...today, period: spendPeriod("channel-day", new Date("2026-12-09T01:00:00Z")) };
    expect(await extensionOf(db, tomorrow)).toBe(0);
    expect(await extensionOf(db, target(teamTwo, "channel-day", "C1"))).toBe(0);
  });

  it("claims each alert once per limit, subject, period and threshold", async () => {
    const today = target(teamOne, "channel-day", "C1");
    const alert = { percent: 75, spentMicros: 3_000_000, limitMicros: 4_000_000 };
    const claims = await Promise.all([claimSpendAlert(db, today, alert), claimSpendAlert(db, today, alert)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await claimSpendAlert(db, today, { ...alert, percent: 95 })).toBe(true);
    expect(await claimSpendAlert(db, target(teamTwo, "channel-day", "C1"), alert)).toBe(true);
  });
});
