import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "../../src/adapters/database/migrate.ts";
import { type DatabaseHandle, openDatabase } from "../../src/adapters/database/open-database.ts";
import { getSchedule, listSchedulesOfOwner } from "../../src/adapters/database/schedules.ts";
import { createSilentLogger } from "../../src/logger.ts";
import { createDatabaseScheduleStore } from "../../src/surfaces/slack/schedules/schedule-store.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { createEmptyPostgresDatabase } from "../helpers/database.ts";
import { eventually } from "../helpers/eventually.ts";
import { sleep } from "../helpers/sleep.ts";
import { scaled } from "../helpers/time-scale.ts";
import { type Harness, startHarness } from "../slack/support/harness.ts";
import { ScriptedRuntime } from "../slack/support/scripted-runtime.ts";

const owner = "U0OWNER";
const pollIntervalMs = 10;

/** One instance: its own connection pool, runtime and Slack surface, on the shared database and fake Slack. */
interface Instance {
  handle: DatabaseHandle;
  runtime: ScriptedRuntime;
  harness: Harness;
}

// Several instances on one database only make sense on Postgres.
describe("a schedule on two instances sharing Postgres", () => {
  let database: { url: string; drop(): Promise<void> };
  let fake: FakeSlackServer;
  let now = new Date("2026-12-07T08:00:00Z");
  const running: Instance[] = [];
  const stopped: Instance[] = [];

  async function startInstance(): Promise<Instance> {
    const handle = await openDatabase({ url: database.url, dataDir: "", logger: createSilentLogger() });
    const runtime = new ScriptedRuntime();
    const harness = await startHarness({
      runtime,
      fake,
      clock: { now: () => now },
      schedules: { store: createDatabaseScheduleStore(handle.db), approverIds: [], pollIntervalMs },
    });
    const instance = { handle, runtime, harness };
    running.push(instance);
    return instance;
  }

  async function stopAll(): Promise<void> {
    for (const instance of running.splice(0)) {
      await instance.harness.stop();
      await instance.handle.close();
      stopped.push(instance);
    }
  }

  const runsPosted = () =>
    fake
      .callsTo("chat.postMessage")
      .filter((call) => String(call.params.text).includes(":alarm_clock: Started by"));
  const sessionsStarted = () =>
    [...running, ...stopped].flatMap((instance) =>
      instance.runtime.inputs.filter((input) => input.type === "user-message"),
    );

  /** Waits for the `count`th run, then for many more polls of every instance, and checks no other run came. */
  async function expectRuns(count: number): Promise<void> {
    await eventually(() => runsPosted().length >= count, {
      message: () => `${runsPosted().length} runs, not ${count}`,
    });
    await sleep(pollIntervalMs * 20);
    expect(runsPosted()).toHaveLength(count);
    expect(sessionsStarted()).toHaveLength(count);
  }

  beforeAll(async () => {
    database = await createEmptyPostgresDatabase();
    const migrating = await openDatabase({ url: database.url, dataDir: "", logger: createSilentLogger() });
    await migrateDatabase(migrating);
    await migrating.close();
    fake = await FakeSlackServer.start();
    fake.addUser({ id: owner, name: "owner", tz: "UTC" });
  });
  afterAll(async () => {
    await stopAll();
    await fake?.close();
    await database?.drop();
  });

  it("starts each due run once, however many instances poll", { timeout: scaled(60_000) }, async () => {
    const [first] = [await startInstance(), await startInstance()];
    expect(
      await first?.harness.command({
        user: owner,
        command: "/threadwork",
        text: "schedule daily at 9:00: the daily report",
      }),
    ).toBe(200);
    await eventually(() =>
      fake.callsTo("chat.postEphemeral").find((call) => String(call.params.text).includes("Scheduled")),
    );
    for (let day = 7; day <= 11; day += 1) {
      now = new Date(`2026-12-${String(day).padStart(2, "0")}T09:00:01Z`);
      await expectRuns(day - 6);
    }
    const threads = new Set(sessionsStarted().map((input) => input.metadata?.threadTs));
    expect(threads.size).toBe(5);
  });

  it("keeps running after every instance restarts", { timeout: scaled(60_000) }, async () => {
    await stopAll();
    await startInstance();
    now = new Date("2026-12-12T09:00:01Z");
    await expectRuns(6);
  });

  it("runs a missed run once at start, not once per tick missed while everything was down", {
    timeout: scaled(60_000),
  }, async () => {
    await stopAll();
    // Down from the 12th to the 16th: the 13th, 14th, 15th and 16th runs were missed.
    now = new Date("2026-12-16T12:00:00Z");
    await startInstance();
    await startInstance();
    await expectRuns(7);
    const db = running[0]?.handle.db;
    if (!db) throw new Error("no instance");
    const [schedule] = await listSchedulesOfOwner(db, owner);
    const stored = schedule && (await getSchedule(db, schedule.id));
    expect(stored?.nextRunAt?.toISOString()).toBe("2026-12-17T09:00:00.000Z");
    expect(stored?.lastRunAt?.toISOString()).toBe("2026-12-16T12:00:00.000Z");
  });
});
