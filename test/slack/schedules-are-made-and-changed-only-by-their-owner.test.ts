import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { getSchedule, listSchedulesOfOwner } from "../../src/adapters/database/schedules.ts";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { parseScheduleRequest } from "../../src/surfaces/slack/commands/schedule-subcommand.ts";
import { createDatabaseScheduleStore } from "../../src/surfaces/slack/schedules/schedule-store.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { eventually } from "../helpers/eventually.ts";
import { sleep } from "../helpers/sleep.ts";
import { findButton, type Harness, startHarness } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";

const owner = "U0OWNER";
const stranger = "U0STRANGER";
const approver = "U0APPROVER";
const fileOwner = "U0FILEOWNER";
const foreigner = "U0FOREIGN";

describe("/threadwork schedule", () => {
  let handle: DatabaseHandle;
  let harness: Harness;
  let fake: FakeSlackServer;
  const runtime = new ScriptedRuntime();
  let now = new Date("2026-12-07T08:00:00Z");

  beforeAll(async () => {
    handle = await createTestDatabase("pglite");
    fake = await FakeSlackServer.start();
    fake.addUser({ id: owner, name: "owner", tz: "Europe/Paris" });
    fake.addUser({ id: stranger, name: "stranger" });
    fake.addUser({ id: approver, name: "approver" });
    fake.addUser({ id: foreigner, name: "foreigner", teamId: "T0OTHER" });
    fake.addUser({ id: fileOwner, name: "file owner", tz: "America/New_York" });
    harness = await startHarness({
      runtime,
      fake,
      clock: { now: () => now },
      schedules: {
        store: createDatabaseScheduleStore(handle.db),
        approverIds: [approver],
        pollIntervalMs: 20,
        fromFile: [
          {
            id: "standup",
            phrase: "every monday at 8:30",
            channel: "C0OPS",
            owner: fileOwner,
            text: "standup notes",
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await harness?.stop();
    await fake?.close();
    await handle?.close();
  });

  async function lastEphemeral(user: string, count: number): Promise<string> {
    const notes = await eventually(() => {
      const found = fake.callsTo("chat.postEphemeral").filter((call) => call.params.user === user);
      return found.length >= count ? found : undefined;
    });
    return String(notes[count - 1]?.params.text);
  }

  async function type(user: string, text: string, count: number): Promise<string> {
    expect(await harness.command({ user, command: "/threadwork", text })).toBe(200);
    return lastEphemeral(user, count);
  }

  it("splits when, time zone, channel and request", () => {
    expect(
      parseScheduleRequest("every weekday at 9:00 in Europe/Paris in <#C0OPS|ops>: check the deploys"),
    ).toEqual({
      phrase: "every weekday at 9:00",
      timeZone: "Europe/Paris",
      channel: "C0OPS",
      request: "check the deploys",
    });
    expect(parseScheduleRequest("*/15 * * * * : ping")?.phrase).toBe("*/15 * * * *");
    expect(parseScheduleRequest("daily at 9:00")).toBeUndefined();
  });

  it("makes a schedule in the owner's Slack time zone, and explains a phrase it cannot read", async () => {
    const made = await type(owner, "schedule every weekday at 9:00: check the deploys", 1);
    expect(made).toContain("Scheduled:");
    const [schedule] = await listSchedulesOfOwner(handle.db, owner);
    expect(schedule).toMatchObject({
      timeZone: "Europe/Paris",
      channel: "C0GENERAL",
      text: "check the deploys",
      when: { kind: "cron", cron: "0 9 * * 1-5" },
    });
    // At 08:00 UTC on Monday, 9:00 in Paris, the next run is strictly later: Tuesday.
    expect(schedule?.nextRunAt?.toISOString()).toBe("2026-12-08T08:00:00.000Z");

    const refused = await type(owner, "schedule every funday at 9:00: nothing", 2);
    expect(refused).toContain('Nothing was scheduled: "funday" is not a day');
    const badZone = await type(owner, "schedule daily at 9:00 Mars/Olympus: nothing", 3);
    expect(badZone).toContain('"Mars/Olympus" is not a time zone');
    fake.failWithError("chat.postMessage", "not_in_channel");
    const unreachable = await type(owner, "schedule daily at 9:00 <#C0SECRET|secret>: nothing", 4);
    expect(unreachable).toContain(
      "Nothing was scheduled: Threadwork cannot post in <#C0SECRET>: invite it there first",
    );
    expect(await listSchedulesOfOwner(handle.db, owner)).toHaveLength(1);
  });

  it("refuses a stranger's delete by command and in App Home, and a person of another workspace; an approver may pause", async () => {
    const [schedule] = await listSchedulesOfOwner(handle.db, owner);
    if (!schedule) throw new Error("no schedule");
    const refused = await type(stranger, `schedule delete ${schedule.id}`, 1);
    expect(refused).toContain("Only the schedule's owner or an approver may change it");
    await harness.interaction({
      type: "block_actions",
      user: { id: stranger, username: stranger, team_id: fake.teamId },
      team: { id: fake.teamId, domain: "threadwork-test" },
      api_app_id: "A0APP",
      token: "verification-token",
      trigger_id: "trigger.home",
      container: { type: "view", view_id: "V0HOME" },
      view: { id: "V0HOME", type: "home" },
      actions: [
        {
          type: "button",
          action_id: actionIds.scheduleDelete,
          block_id: "b",
          value: schedule.id,
          action_ts: "1",
        },
      ],
    });
    await eventually(() => fake.callsTo("views.publish").find((call) => call.params.user_id === stranger));
    expect(await getSchedule(handle.db, schedule.id)).toBeDefined();

    const foreign = await type(foreigner, "schedule daily at 9:00: leak the secrets", 1);
    expect(foreign).toContain("Threadwork only works for people in the workspace that installed it");
    expect(await listSchedulesOfOwner(handle.db, foreigner)).toEqual([]);

    const paused = await type(approver, `schedule pause ${schedule.id}`, 1);
    expect(paused).toContain("Paused:");
    expect((await getSchedule(handle.db, schedule.id))?.paused).toBe(true);
  });

  it("lists the owner's schedules, in App Home with Resume and Delete", async () => {
    const listed = await type(owner, "schedule list", 5);
    expect(listed).toContain("every weekday at 9:00");
    expect(listed).toContain("paused");
    await harness.event("Ev-home", { type: "app_home_opened", user: owner, channel: "D0OWNER", tab: "home" });
    const home = await eventually(() =>
      fake.callsTo("views.publish").find((call) => call.params.user_id === owner),
    );
    const blocks = (home.params.view as { blocks: unknown[] }).blocks;
    expect(findButton(blocks, actionIds.scheduleToggle)?.value).toMatch(/^resume:sch_/);
    expect(findButton(blocks, actionIds.scheduleDelete)).toBeDefined();
  });

  it("starts each run as a new thread that says what started it, owned by the schedule's owner", async () => {
    const [schedule] = await listSchedulesOfOwner(handle.db, owner);
    if (!schedule) throw new Error("no schedule");
    await type(owner, `schedule resume ${schedule.id}`, 6);
    now = new Date("2026-12-08T08:00:05Z");
    const post = await eventually(() =>
      fake.callsTo("chat.postMessage").find((call) => String(call.params.text).includes(`(${schedule.id})`)),
    );
    const announcement = fake
      .callsTo("chat.postMessage")
      .find((call) => String(call.params.text).includes(`scheduled *every weekday at 9:00*`));
    expect(announcement?.params.channel).toBe("C0GENERAL");
    // The first line links to the announcement, the permalink the fake gives for it.
    expect(String(post.params.text).split("\n")[0]).toMatch(
      new RegExp(
        `^:alarm_clock: Started by <https://threadwork-test\\.slack\\.com/archives/C0GENERAL/p\\d+\\|schedule "every weekday at 9:00" \\(${schedule.id}\\)>, for <@${owner}>\\.$`,
      ),
    );
    expect(schedule.link).toMatch(/^https:\/\/threadwork-test\.slack\.com\/archives\/C0GENERAL\/p\d+$/);
    const input = await eventually(() =>
      runtime.inputs.find((item) => item.type === "user-message" && item.userId === owner),
    );
    expect(input).toMatchObject({
      userId: owner,
      text: "check the deploys",
      metadata: { scheduleId: schedule.id },
    });
    expect((await getSchedule(handle.db, schedule.id))?.nextRunAt?.toISOString()).toBe(
      "2026-12-09T08:00:00.000Z",
    );
  });

  it("upserts the file's schedules at start in the owner's zone; Slack may pause them but not delete them", async () => {
    const stored = await getSchedule(handle.db, "file:standup");
    expect(stored).toMatchObject({
      source: "file",
      timeZone: "America/New_York",
      when: { kind: "cron", cron: "30 8 * * 1" },
    });
    const refused = await type(fileOwner, "schedule delete file:standup", 1);
    expect(refused).toContain("comes from the configuration file, so it cannot be deleted from Slack");
    expect(await getSchedule(handle.db, "file:standup")).toBeDefined();
    expect(await type(fileOwner, "schedule pause file:standup", 2)).toContain("Paused:");
  });

  it("runs a one-time schedule once, then shows it done", async () => {
    const made = await type(approver, "schedule once on 2026-12-08 at 12:00 UTC: the year-end report", 2);
    expect(made).toContain("Scheduled:");
    const [once] = await listSchedulesOfOwner(handle.db, approver);
    if (!once) throw new Error("no schedule");
    expect(once.nextRunAt?.toISOString()).toBe("2026-12-08T12:00:00.000Z");
    now = new Date("2026-12-08T12:00:01Z");
    const runs = () =>
      fake.callsTo("chat.postMessage").filter((call) => String(call.params.text).includes(`(${once.id})>`));
    await eventually(() => runs().length === 1);
    now = new Date("2026-12-09T12:00:01Z");
    await sleep(200);
    expect(runs()).toHaveLength(1);
    const done = await getSchedule(handle.db, once.id);
    expect(done?.nextRunAt).toBeUndefined();
    expect(await type(approver, "schedule list", 3)).toContain("done (ran once)");
  });
});
