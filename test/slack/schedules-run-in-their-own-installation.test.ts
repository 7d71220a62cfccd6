import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { listSchedulesOfOwner } from "../../src/adapters/database/schedules.ts";
import { createSilentLogger } from "../../src/logger.ts";
import { createDatabaseScheduleStore } from "../../src/surfaces/slack/schedules/schedule-store.ts";
import { createMemorySlackStore } from "../../src/surfaces/slack/slack-store.ts";
import type { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { eventually } from "../helpers/eventually.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";
import {
  alpha,
  bravo,
  startTwoWorkspaceSlack,
  startTwoWorkspaceSurface,
  type TwoWorkspaceSurface,
} from "./support/two-workspaces.ts";

describe("schedules with many installations", () => {
  let handle: DatabaseHandle;
  let fake: FakeSlackServer;
  let slack: TwoWorkspaceSurface;
  const runtime = new ScriptedRuntime();
  let now = new Date("2026-12-07T08:00:00Z");

  beforeAll(async () => {
    handle = await createTestDatabase("pglite");
    const world = await startTwoWorkspaceSlack();
    fake = world.fake;
    slack = await startTwoWorkspaceSurface({
      fake,
      installations: world.tokens,
      runtime,
      store: createMemorySlackStore(),
      logger: createSilentLogger(),
      clock: { now: () => now },
      schedules: { store: createDatabaseScheduleStore(handle.db), approverIds: [], pollIntervalMs: 20 },
    });
  });
  afterAll(async () => {
    await slack?.surface.stop();
    await fake?.close();
    await handle?.close();
  });

  it("keeps a schedule to the workspace it was made in: its run posts there, with that workspace's token", async () => {
    expect(
      await slack.command(bravo, bravo.person, "/threadwork", "schedule */15 * * * * : check the deploys"),
    ).toBe(200);
    const [schedule] = await eventually(async () => {
      const found = await listSchedulesOfOwner(handle.db, bravo.person);
      return found.length > 0 ? found : undefined;
    });
    expect(schedule).toMatchObject({ teamId: bravo.teamId, channel: bravo.channel });

    // Alice's list, through alpha, does not show bravo's schedule; bob's does.
    expect(await slack.command(alpha, alpha.person, "/threadwork", "schedule list")).toBe(200);
    expect(await slack.command(bravo, bravo.person, "/threadwork", "schedule list")).toBe(200);
    const lists = await eventually(() => {
      const notes = fake.callsTo("chat.postEphemeral");
      return notes.length >= 3 ? notes : undefined;
    });
    const aliceList = lists.find((call) => call.params.user === alpha.person);
    expect(aliceList?.teamId).toBe(alpha.teamId);
    expect(String(aliceList?.params.text)).not.toContain(schedule?.id ?? "");

    now = new Date("2026-12-07T08:20:00Z");
    await eventually(() => runtime.sessions.size === 1);
    const [key] = [...runtime.sessions.values()].map((session) => session.conversationKey);
    expect(key).toMatch(new RegExp(`^${bravo.teamId}:${bravo.channel}:`));
    const posted = fake.callsTo("chat.postMessage").filter((call) => call.params.channel === bravo.channel);
    expect(posted.length).toBeGreaterThan(0);
    for (const call of fake.calls) {
      const owner = [alpha, bravo].find(
        (workspace) => workspace.channel === (call.params.channel ?? call.params.channel_id),
      );
      if (owner) expect(call.teamId, call.method).toBe(owner.teamId);
      expect(call.error, call.method).toBeUndefined();
    }
  });
});
