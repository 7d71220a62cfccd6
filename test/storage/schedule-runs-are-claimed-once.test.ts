import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import {
  claimScheduleRun,
  deleteSlackSchedule,
  getSchedule,
  insertSchedule,
  listDueSchedules,
  listSchedulesOfOwner,
  setSchedulePaused,
  upsertFileSchedule,
} from "../../src/adapters/database/schedules.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";

const due = new Date("2026-12-07T09:00:00Z");
const next = new Date("2026-12-08T09:00:00Z");

function newSchedule(id: string, overrides: Partial<Parameters<typeof insertSchedule>[1]> = {}) {
  return {
    id,
    source: "slack" as const,
    ownerId: "U1",
    channel: "C1",
    timeZone: "UTC",
    phrase: "daily at 9:00",
    when: { kind: "cron" as const, cron: "0 9 * * *" },
    text: "check the deploys",
    nextRunAt: due,
    ...overrides,
  };
}

describe.each(backends)("schedules on %s", (backend) => {
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("lists due schedules and lets exactly one of two claims of the same run win", async () => {
    const { db } = handle;
    await insertSchedule(db, newSchedule("sch_claim"));
    await insertSchedule(db, newSchedule("sch_later", { nextRunAt: next }));
    const dueNow = await listDueSchedules(db, due);
    expect(dueNow.map((schedule) => schedule.id)).toContain("sch_claim");
    expect(dueNow.map((schedule) => schedule.id)).not.toContain("sch_later");
    const claims = await Promise.all(
      [1, 2, 3].map(() => claimScheduleRun(db, { id: "sch_claim", due, next, now: due })),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    const claimed = await getSchedule(db, "sch_claim");
    expect(claimed?.nextRunAt?.toISOString()).toBe(next.toISOString());
    expect(claimed?.lastRunAt?.toISOString()).toBe(due.toISOString());
    expect(claimed?.when).toEqual({ kind: "cron", cron: "0 9 * * *" });
  });

  it("does not claim a paused schedule, and resuming sets the next run", async () => {
    const { db } = handle;
    await insertSchedule(db, newSchedule("sch_paused"));
    await setSchedulePaused(db, "sch_paused", { paused: true });
    expect((await listDueSchedules(db, due)).map((schedule) => schedule.id)).not.toContain("sch_paused");
    expect(await claimScheduleRun(db, { id: "sch_paused", due, next, now: due })).toBe(false);
    await setSchedulePaused(db, "sch_paused", { paused: false, nextRunAt: next });
    const resumed = await getSchedule(db, "sch_paused");
    expect(resumed?.paused).toBe(false);
    expect(resumed?.nextRunAt?.toISOString()).toBe(next.toISOString());
  });

  it("upserts a file schedule by id, keeps it paused, and never deletes it as a Slack schedule", async () => {
    const { db } = handle;
    await upsertFileSchedule(db, newSchedule("file:standup", { source: "file", ownerId: "U9" }));
    await setSchedulePaused(db, "file:standup", { paused: true });
    await upsertFileSchedule(
      db,
      newSchedule("file:standup", { source: "file", ownerId: "U9", text: "new text" }),
    );
    const kept = await getSchedule(db, "file:standup");
    expect(kept?.text).toBe("new text");
    expect(kept?.paused).toBe(true);
    expect(await deleteSlackSchedule(db, "file:standup")).toBe(false);
    expect(await getSchedule(db, "file:standup")).toBeDefined();
    expect((await listSchedulesOfOwner(db, "U9")).map((schedule) => schedule.id)).toEqual(["file:standup"]);
    await insertSchedule(db, newSchedule("sch_gone"));
    expect(await deleteSlackSchedule(db, "sch_gone")).toBe(true);
    expect(await getSchedule(db, "sch_gone")).toBeUndefined();
  });
});
