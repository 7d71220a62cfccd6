import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import {
  activeWatchRules,
  claimWatchTrigger,
  closeWatchRule,
  recordWatchFailure,
  recordWatchStarted,
  saveWatchRule,
} from "../../src/adapters/database/watch-rules.ts";
import { configFileSchema } from "../../src/config/config-file-schema.ts";
import { syncFileWatchRules } from "../../src/surfaces/slack/watched-channels/file-watch-rules.ts";
import { createDatabaseWatchRuleStore } from "../../src/surfaces/slack/watched-channels/watch-rule-store.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";

const start = new Date("2026-12-07T10:00:00Z");
const minute = 60_000;
const at = (offsetMs: number) => new Date(start.getTime() + offsetMs);

describe.each(backends)("watch rules on %s", (backend) => {
  let handle: DatabaseHandle;
  let counter = 0;
  const unique = (prefix: string) => `${prefix}-${++counter}`;
  const rule = async (overrides: { hourlyLimit?: number; dedupSeconds?: number } = {}) => {
    const id = unique("watch");
    await saveWatchRule(handle.db, {
      id,
      source: "command",
      channel: "C0OPS",
      ownerId: "U0OWNER",
      request: "investigate",
      bots: ["B0ALERTS"],
      hourlyLimit: overrides.hourlyLimit ?? 3,
      dedupSeconds: overrides.dedupSeconds ?? 600,
    });
    return id;
  };
  const claim = (ruleId: string, fingerprint: string, offsetMs = 0) =>
    claimWatchTrigger(handle.db, { ruleId, fingerprint, now: at(offsetMs), triggerId: unique("trigger") });

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("starts one session for a concurrent burst of the same alert and counts the rest as repeats", async () => {
    const ruleId = await rule();
    const claims = await Promise.all(Array.from({ length: 10 }, () => claim(ruleId, "same")));
    const started = claims.filter((item) => item.kind === "start");
    expect(started).toHaveLength(1);
    const repeats = claims.flatMap((item) => (item.kind === "repeat" ? [item.repeats] : []));
    expect(repeats.sort((left, right) => left - right)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const first = started[0];
    if (first?.kind !== "start") throw new Error("no start");
    await recordWatchStarted(handle.db, first.triggerId, { threadTs: "1.0001", sessionId: "ses_1" });
    expect(await claim(ruleId, "same", minute)).toMatchObject({
      kind: "repeat",
      started: { threadTs: "1.0001", sessionId: "ses_1" },
      repeats: 10,
    });
    // After the dedup window the same text starts a new session.
    expect(await claim(ruleId, "same", 11 * minute)).toMatchObject({ kind: "start" });
  });

  it("starts at most the hourly limit in any hour, even from concurrent different alerts", async () => {
    const ruleId = await rule({ hourlyLimit: 3 });
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, index) => claim(ruleId, `alert ${index}`)),
    );
    expect(claims.filter((item) => item.kind === "start")).toHaveLength(3);
    expect(claims.filter((item) => item.kind === "limited")).toHaveLength(5);
    expect(await claim(ruleId, "later", 59 * minute)).toEqual({ kind: "limited" });
    expect(await claim(ruleId, "later", 61 * minute)).toMatchObject({ kind: "start" });
  });

  it("counts consecutive failures, and a closed rule claims nothing", async () => {
    const ruleId = await rule();
    expect(await recordWatchFailure(handle.db, ruleId)).toBe(1);
    expect(await recordWatchFailure(handle.db, ruleId)).toBe(2);
    const claimed = await claim(ruleId, "x");
    if (claimed.kind !== "start") throw new Error("expected a start");
    await recordWatchStarted(handle.db, claimed.triggerId, { threadTs: "2.0001", sessionId: "ses_2" });
    expect(await recordWatchFailure(handle.db, ruleId)).toBe(1);
    expect(await closeWatchRule(handle.db, ruleId, "owner left")).toBe(true);
    expect(await closeWatchRule(handle.db, ruleId, "again")).toBe(false);
    expect(await claim(ruleId, "y")).toEqual({ kind: "closed" });
    expect((await activeWatchRules(handle.db, "C0OPS")).map((item) => item.id)).not.toContain(ruleId);
  });

  it("keeps the configuration file's rules, closing one the file no longer has", async () => {
    const store = createDatabaseWatchRuleStore(handle.db);
    const file = configFileSchema.parse({
      watch: [
        { id: "ops", channel: "C0FILE", owner: "U0OWNER", bots: ["B0ALERTS"], request: "investigate" },
        {
          id: "deploys",
          channel: "C0FILE",
          owner: "U0OWNER",
          pattern: "deploy * failed",
          limitPerHour: 2,
          request: "look",
        },
      ],
    });
    await syncFileWatchRules(store, file.watch ?? []);
    const rules = await store.active("C0FILE");
    // Two rules saved in the same instant come back by id.
    const byId = [...rules].sort((left, right) => left.id.localeCompare(right.id));
    expect(byId.map((rule) => [rule.id, rule.source, rule.hourlyLimit, rule.dedupSeconds])).toEqual([
      ["file:deploys", "file", 2, 600],
      ["file:ops", "file", 5, 600],
    ]);
    await syncFileWatchRules(store, (file.watch ?? []).slice(0, 1));
    expect((await store.active("C0FILE")).map((rule) => rule.id)).toEqual(["file:ops"]);
    expect((await store.get("file:deploys"))?.closedReason).toBe("removed from the configuration file");
  });
});

describe("the configuration file's watch array", () => {
  it("refuses a rule that watches nothing, a regex-sized pattern and repeated ids", () => {
    const problems = (watch: unknown) =>
      configFileSchema.safeParse({ watch }).error?.issues.map((issue) => issue.message) ?? [];
    const base = { id: "a", channel: "C0X1", owner: "U0X1", request: "r" };
    expect(problems([base])).toEqual(["needs `bots`, `pattern` or `reaction`"]);
    expect(problems([{ ...base, pattern: "x".repeat(201) }])).toEqual(["must be at most 200 characters"]);
    expect(
      problems([
        { ...base, bots: [] },
        { ...base, bots: [] },
      ]),
    ).toEqual(["ids must be unique"]);
    expect(problems([{ ...base, reaction: "eyes" }])).toEqual([]);
  });
});
