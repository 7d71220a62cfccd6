import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseAuditTrail, listAuditEntries } from "../../src/adapters/database/audit-entries.ts";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { createSession } from "../../src/adapters/database/sessions.ts";
import { teamSpendLimits } from "../../src/adapters/database/spend-limits.ts";
import { recordUsage } from "../../src/adapters/database/usage.ts";
import { createDatabaseSpendLimitStore } from "../../src/surfaces/slack/spend-limit-store.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { eventually } from "../helpers/eventually.ts";
import { channel } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";
import { useSlackSurface } from "./support/slack-surface-per-test.ts";

const member = "U0MEMBER";
const workspaceAdmin = "U0WSADMIN";
const configuredAdmin = "U0CFGADMIN";
const noTokens = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

describe("spend limits from Slack", () => {
  const slack = useSlackSurface();
  let handle: DatabaseHandle;
  let fake: FakeSlackServer;
  let step = 0;

  async function spend(team: string, owner: string, micros: number) {
    const { session } = await createSession(handle.db, {
      surface: "slack",
      conversationKey: `${team}:${channel}:${randomUUID()}`,
      ownerId: owner,
      metadata: { teamId: team, channel, threadTs: "1.1" },
    });
    step += 1;
    await recordUsage(handle.db, {
      sessionId: session.id,
      agentId: `agt_${randomUUID()}`,
      step,
      provider: "anthropic",
      model: "m",
      usage: noTokens,
      costMicros: micros,
    });
  }

  beforeAll(async () => {
    handle = await createTestDatabase("postgres");
    fake = await FakeSlackServer.start();
    fake.addUser({ id: member, name: "member" });
    fake.addUser({ id: workspaceAdmin, name: "wsadmin", isAdmin: true });
    fake.addUser({ id: configuredAdmin, name: "cfgadmin" });
    await spend(fake.teamId, member, 1_500_000);
    await spend(fake.teamId, workspaceAdmin, 250_000);
    await spend("T0OTHER", "U0ELSEWHERE", 16_000_000);
  });
  afterAll(async () => {
    await fake?.close();
    await handle?.close();
  });

  const start = () =>
    slack.start({
      runtime: new ScriptedRuntime(),
      fake,
      spendLimits: createDatabaseSpendLimitStore(handle.db, { "team-month": 100_000_000 }),
      adminIds: [configuredAdmin],
      audit: databaseAuditTrail(handle.db),
    });
  const ephemeralTo = (user: string) =>
    fake.waitFor(() =>
      fake
        .callsTo("chat.postEphemeral")
        .filter((call) => call.params.user === user)
        .at(-1),
    );

  it("lets workspace admins and configured admins set their team's limits, and refuses anyone else", async () => {
    const harness = await start();
    await harness.command({ user: member, command: "/threadwork", text: "limits set channel 5" });
    expect(String((await ephemeralTo(member)).params.text)).toContain("Only workspace admins");
    expect(await teamSpendLimits(handle.db, { teamId: fake.teamId, enterpriseId: undefined })).toEqual({});

    await harness.command({ user: workspaceAdmin, command: "/threadwork", text: "limits set channel 2" });
    expect(String((await ephemeralTo(workspaceAdmin)).params.text)).toBe(
      "Set the channel's daily spend limit to $2.00 for this workspace.",
    );
    await harness.command({ user: configuredAdmin, command: "/threadwork", text: "limits set person 1" });
    expect(String((await ephemeralTo(configuredAdmin)).params.text)).toContain(
      "person's daily spend limit to $1.00",
    );
    expect(await teamSpendLimits(handle.db, { teamId: fake.teamId, enterpriseId: undefined })).toEqual({
      "channel-day": 2_000_000,
      "person-day": 1_000_000,
    });
    expect(await teamSpendLimits(handle.db, { teamId: "T0OTHER", enterpriseId: undefined })).toEqual({});
    // Each change is a settings change in the audit trail, with who made it; the refusal left none.
    const changes = await eventually(async () => {
      const rows = await listAuditEntries(handle.db, { teamId: fake.teamId });
      return rows.length >= 2 ? rows : undefined;
    });
    expect(changes.map((row) => [row.action, row.actorId, row.detail])).toEqual([
      ["settings-changed", workspaceAdmin, "spend limits: set the channel's daily spend limit to $2.00"],
      ["settings-changed", configuredAdmin, "spend limits: set the person's daily spend limit to $1.00"],
    ]);

    const before = fake.callsTo("chat.postEphemeral").length;
    await harness.command({ user: member, command: "/threadwork", text: "limits" });
    await fake.waitFor(() => fake.callsTo("chat.postEphemeral").length > before);
    const shown = String((await ephemeralTo(member)).params.text);
    expect(shown).toContain("the channel's daily spend limit: $2.00");
    expect(shown).toContain("$1.75 spent of $2.00");
    expect(shown).toContain("the person's daily spend limit: $1.00");
    expect(shown).toContain("$1.50 spent of $1.00");
  });

  it("shows App Home spend for the viewer's team only, everyone's to admins and one's own to others", async () => {
    const harness = await start();
    const open = async (user: string, eventId: string) => {
      const published = fake.callsTo("views.publish").length;
      await harness.event(eventId, {
        type: "app_home_opened",
        user,
        channel: "D0HOME",
        tab: "home",
        event_ts: "1.0",
      });
      const call = await fake.waitFor(() => fake.callsTo("views.publish").slice(published)[0]);
      return JSON.stringify(call.params.view);
    };
    const memberHome = await open(member, "EvHomeMember");
    expect(memberHome).toContain("This workspace: $1.75 of $100.00 (1%)");
    expect(memberHome).toContain(`<#${channel}>: $1.75 of $2.00 (87%) :warning:`);
    expect(memberHome).toContain(`<@${member}>: $1.50 of $1.00 (150%) :no_entry:`);
    expect(memberHome).not.toContain(workspaceAdmin);
    expect(memberHome).not.toContain("16.00");

    const adminHome = await open(workspaceAdmin, "EvHomeAdmin");
    expect(adminHome).toContain("People today");
    expect(adminHome).toContain(`<@${member}>: $1.50`);
    expect(adminHome).toContain(`<@${workspaceAdmin}>: $0.25 of $1.00 (25%)`);
    expect(adminHome).not.toContain("U0ELSEWHERE");
  });
});
