import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { defineTool } from "../../src/domain/tool.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { createDatabaseSlackStore } from "../../src/surfaces/slack/database-slack-store.ts";
import type { FakeInstallationTokens } from "../fakes/fake-installation-tokens.ts";
import {
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import type { FakeMessage, FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { collectingLogger } from "../helpers/collecting-logger.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { eventually } from "../helpers/eventually.ts";
import { briefOf, createTestRuntime, isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { scaled } from "../helpers/time-scale.ts";
import { findButton } from "./support/harness.ts";
import { rowsWithTeamSql, teamScopingOfTables } from "./support/team-tables.ts";
import {
  alpha,
  bravo,
  startTwoWorkspaceSlack,
  startTwoWorkspaceSurface,
  type TestWorkspace,
  type TwoWorkspaceSurface,
} from "./support/two-workspaces.ts";

const runTests = defineTool({
  name: "run_tests",
  description: "Run the test suite with a command line.",
  input: z.object({ command: z.string() }),
  risk: "risky",
  describe: (input) => `run ${input.command}`,
  async execute() {
    return "42 passed";
  },
});

/** Both workspaces ask for the same thing: a worker runs `npm test` twice, the same exact action. */
function respond(llm: FakeLlmServer): void {
  llm.respondWith((request) => {
    if (isSupervisorRequest(request)) {
      if (request.lastUserText.includes("finished")) return textResponse("All done: tests pass.");
      if (request.lastToolResults.length > 0) return textResponse("Started one agent.");
      if (request.turnIndex > 0) return textResponse("Noted.");
      return toolCallResponse([
        { name: "spawn_agent", input: { title: "Tester", brief: "test: run the suite" } },
      ]);
    }
    if (!briefOf(request).startsWith("test")) return textResponse("Nothing to do.");
    if (request.turnIndex < 2)
      return toolCallResponse([{ name: "run_tests", input: { command: "npm test" } }]);
    return toolCallResponse([{ name: "finish", input: { summary: "Tests pass." } }]);
  });
}

const approvalsIn = (fake: FakeSlackServer, workspace: TestWorkspace, threadTs: string): FakeMessage[] =>
  fake
    .threadMessages(workspace.channel, threadTs)
    .filter((message) => message.text.startsWith("Approval needed"));

describe("two installations on one Threadwork", () => {
  let handle: DatabaseHandle;
  let llm: FakeLlmServer;
  let fake: FakeSlackServer;
  let runtime: Runtime;
  let slack: TwoWorkspaceSurface;
  let tokens: FakeInstallationTokens;
  const lines: string[] = [];
  const threads = { alpha: "1700100000.000100", bravo: "1700100000.000200" };

  beforeAll(async () => {
    handle = await createTestDatabase("postgres");
    llm = await startFakeLlmServer();
    respond(llm);
    const world = await startTwoWorkspaceSlack();
    tokens = world.tokens;
    fake = world.fake;
    runtime = createTestRuntime({ handle, anthropicBaseUrl: llm.anthropicBaseUrl, workerTools: [runTests] });
    slack = await startTwoWorkspaceSurface({
      fake,
      installations: world.tokens,
      runtime,
      store: createDatabaseSlackStore(handle.db),
      logger: collectingLogger(lines).logger,
    });
    await runtime.start();
  });
  afterAll(async () => {
    await slack?.surface.stop();
    await runtime?.stop();
    await fake?.close();
    await llm?.close();
    await handle?.close();
  });

  it("keeps each workspace's sessions, tokens, clicks, rules, App Home and rows to itself", {
    timeout: scaled(90_000),
  }, async () => {
    for (const [workspace, threadTs] of [
      [alpha, threads.alpha],
      [bravo, threads.bravo],
    ] as const) {
      const status = await slack.event(workspace, `Ev${workspace.teamId}`, {
        type: "app_mention",
        user: workspace.person,
        user_team: workspace.teamId,
        text: `<@${workspace.botUserId}> run the tests`,
        ts: threadTs,
        channel: workspace.channel,
      });
      expect(status).toBe(200);
    }
    const alphaApproval = await fake.waitFor(() => approvalsIn(fake, alpha, threads.alpha)[0], 20_000);
    const bravoApproval = await fake.waitFor(() => approvalsIn(fake, bravo, threads.bravo)[0], 20_000);
    const sessionOf = async (workspace: TestWorkspace, threadTs: string) =>
      runtime.findSession({
        surface: "slack",
        conversationKey: `${workspace.teamId}:${workspace.channel}:${threadTs}`,
      });
    const alphaSession = await sessionOf(alpha, threads.alpha);
    const bravoSession = await sessionOf(bravo, threads.bravo);
    expect(alphaSession?.ownerId).toBe(alpha.person);
    expect(bravoSession?.ownerId).toBe(bravo.person);

    // Bob (bravo) presses Approve and Stop all on alpha's thread: through his own install, and through alpha's.
    const approve = findButton(alphaApproval.blocks, actionIds.approve)?.value ?? "";
    for (const through of [bravo, alpha]) {
      await slack.click({
        through,
        user: bravo.person,
        userTeam: bravo.teamId,
        channel: alpha.channel,
        actionId: actionIds.approve,
        value: approve,
        messageTs: alphaApproval.ts,
        threadTs: threads.alpha,
      });
      await slack.click({
        through,
        user: bravo.person,
        userTeam: bravo.teamId,
        channel: alpha.channel,
        actionId: actionIds.stopAll,
        value: "stop",
        messageTs: alphaApproval.ts,
        threadTs: threads.alpha,
      });
    }
    // Handled: the clicks through alpha's install were refused with a notice to bob.
    await eventually(
      () =>
        fake.callsTo("chat.postEphemeral").filter((call) => call.params.user === bravo.person).length >= 2,
    );
    const alphaPending = await runtime.listPendingRequests(alphaSession?.id ?? "");
    expect(alphaPending.map((request) => request.kind)).toEqual(["approval"]);
    expect(
      (await runtime.listAgents(alphaSession?.id ?? "")).every((agent) => agent.status !== "cancelled"),
    ).toBe(true);

    // Alice always allows `npm test` in alpha: her worker's second run needs no approval.
    await slack.click({
      through: alpha,
      user: alpha.person,
      userTeam: alpha.teamId,
      channel: alpha.channel,
      actionId: actionIds.alwaysAllow,
      value: approve,
      messageTs: alphaApproval.ts,
      threadTs: threads.alpha,
    });
    await fake.waitFor(() => fake.latestThreadMessage(alpha.channel, threads.alpha, "All done"), 20_000);
    expect(approvalsIn(fake, alpha, threads.alpha)).toHaveLength(1);

    // The same action in bravo still asks, each time: alpha's rule is not bravo's.
    const bravoApprove = findButton(bravoApproval.blocks, actionIds.approve)?.value ?? "";
    await slack.click({
      through: bravo,
      user: bravo.person,
      userTeam: bravo.teamId,
      channel: bravo.channel,
      actionId: actionIds.approve,
      value: bravoApprove,
      messageTs: bravoApproval.ts,
      threadTs: threads.bravo,
    });
    const second = await fake.waitFor(() => approvalsIn(fake, bravo, threads.bravo)[1], 20_000);
    await slack.click({
      through: bravo,
      user: bravo.person,
      userTeam: bravo.teamId,
      channel: bravo.channel,
      actionId: actionIds.approve,
      value: findButton(second.blocks, actionIds.approve)?.value ?? "",
      messageTs: second.ts,
      threadTs: threads.bravo,
    });
    await fake.waitFor(() => fake.latestThreadMessage(bravo.channel, threads.bravo, "All done"), 20_000);

    // App Home: each person's tab, published with their own workspace's token, lists only their sessions.
    for (const workspace of [alpha, bravo]) {
      await slack.event(workspace, `EvHome${workspace.teamId}`, {
        type: "app_home_opened",
        user: workspace.person,
        channel: "D0HOME",
        tab: "home",
      });
    }
    // Alice's home asked through bravo's install is refused: she is not of bravo.
    await slack.event(bravo, "EvHomeCross", {
      type: "app_home_opened",
      user: alpha.person,
      channel: "D0HOME",
      tab: "home",
    });
    const homes = await fake.waitFor(() => {
      const published = fake.callsTo("views.publish");
      return published.length >= 2 ? published : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, scaled(300)));
    expect(fake.callsTo("views.publish")).toHaveLength(2);
    for (const call of homes) {
      const workspace = call.params.user_id === alpha.person ? alpha : bravo;
      const other = workspace === alpha ? bravo : alpha;
      expect(call.teamId).toBe(workspace.teamId);
      expect(JSON.stringify(call.params.view)).not.toContain(other.channel);
    }

    // Every call went out with the token of the installation it acted for. Only the refusal notices
    // to bob on alpha's thread reached past a team, and Slack refused them: nothing crossed.
    for (const call of fake.calls) {
      const channel = call.params.channel ?? call.params.channel_id;
      const owner = [alpha, bravo].find((workspace) => workspace.channel === channel);
      expect(call.teamId, call.method).not.toBe(fake.teamId);
      expect(call.error, call.method).not.toBe("invalid_auth");
      const notice = call.method === "chat.postEphemeral" && call.params.user === bravo.person;
      if (owner && call.teamId !== owner.teamId) {
        expect(notice, call.method).toBe(true);
        expect(call.error, call.method).toBe("channel_not_found");
      } else if (!notice) {
        expect(["channel_not_found", "user_not_found"], call.method).not.toContain(call.error);
      }
    }
    expect(lines.join("\n")).not.toMatch(/installation_unknown|not_installed/);
  });

  it("refuses a person of a workspace that has not installed the app, and events of such a workspace", async () => {
    const connectTs = "1700100000.000300";
    fake.addUser({ id: "U0CONNECT", name: "connect", teamId: "T0CONNECT" });
    await slack.event(alpha, "EvConnect", {
      type: "app_mention",
      user: "U0CONNECT",
      user_team: "T0CONNECT",
      text: `<@${alpha.botUserId}> run the tests`,
      ts: connectTs,
      channel: alpha.channel,
    });
    const refusal = await fake.waitFor(() =>
      fake.callsTo("chat.postEphemeral").find((call) => call.params.user === "U0CONNECT"),
    );
    expect(refusal.teamId).toBe(alpha.teamId);
    expect(String(refusal.params.text)).toContain("only works for people in the workspace that installed it");
    const nowhere = { ...alpha, teamId: "T0NOBODY", channel: "C0NOBODY" };
    const before = fake.calls.length;
    await slack.event(nowhere, "EvNowhere", {
      type: "app_mention",
      user: "U0NOBODY",
      text: `<@${alpha.botUserId}> run the tests`,
      ts: "1700100000.000400",
      channel: nowhere.channel,
    });
    await new Promise((resolve) => setTimeout(resolve, scaled(300)));
    // Earlier sessions may still be posting their results; nothing may go out for this event.
    const forNowhere = fake.calls
      .slice(before)
      .filter(
        (call) => call.teamId === nowhere.teamId || JSON.stringify(call.params).includes(nowhere.channel),
      );
    expect(forNowhere).toEqual([]);
    for (const [team, channel, ts] of [
      [alpha.teamId, alpha.channel, connectTs],
      [nowhere.teamId, nowhere.channel, "1700100000.000400"],
    ]) {
      expect(
        await runtime.findSession({ surface: "slack", conversationKey: `${team}:${channel}:${ts}` }),
      ).toBeUndefined();
    }
  });

  it("reaches each table's rows only through their own team, and keeps no token", async () => {
    const scoping = teamScopingOfTables();
    const unlisted = [...scoping].filter(([, scope]) => scope.kind === "unscoped" && scope.why === "");
    expect(
      unlisted.map(([table]) => table),
      "tables with no team scoping; scope them or list why",
    ).toEqual([]);
    const teams = new Map([
      [alpha.teamId, bravo],
      [bravo.teamId, alpha],
    ]);
    const seen = new Set<string>();
    for (const [table, scope] of scoping) {
      const text =
        scope.kind !== "unscoped"
          ? rowsWithTeamSql(table, scope)
          : `select null as team, row_to_json(t)::text as row from ${table} t`;
      const rows = (await handle.db.execute<{ team: string | null; row: string }>(sql.raw(text))).rows;
      for (const { team, row } of rows) {
        expect(row, `${table} keeps a bot token`).not.toMatch(/xoxb-/);
        if (scope.kind === "unscoped") continue;
        // A session-scoped row belongs to a session, and to one team.
        expect(team, `${table} has a row with no session`).not.toBeNull();
        const other = teams.get(team ?? "");
        expect(other, `${table} has a row of an unknown team`).toBeDefined();
        if (!other) continue;
        expect(row, `${table}: a ${team} row names the other team`).not.toContain(other.teamId);
        expect(row, `${table}: a ${team} row names the other team's channel`).not.toContain(other.channel);
        seen.add(`${table}:${team}`);
      }
    }
    for (const table of [
      "sessions",
      "agents",
      "events",
      "requests",
      "approval_rules",
      "tool_calls",
      "usage_ledger",
      "surface_messages",
    ]) {
      expect(
        seen.has(`${table}:${alpha.teamId}`) || table === "approval_rules",
        `${table} has alpha rows`,
      ).toBe(true);
    }
    expect(seen.has(`approval_rules:${alpha.teamId}`)).toBe(true);
    expect(seen.has(`approval_rules:${bravo.teamId}`)).toBe(false);
  });

  it("sends nothing more with a removed installation's token, while the other workspace goes on", async () => {
    await tokens.remove({ teamId: bravo.teamId, enterpriseId: undefined });
    const before = fake.calls.length;
    const threadOf = { alpha: "1700100000.000500", bravo: "1700100000.000600" };
    for (const [workspace, threadTs] of [
      [bravo, threadOf.bravo],
      [alpha, threadOf.alpha],
    ] as const) {
      await slack.event(workspace, `EvAfter${workspace.teamId}`, {
        type: "app_mention",
        user: workspace.person,
        user_team: workspace.teamId,
        text: `<@${workspace.botUserId}> hello`,
        ts: threadTs,
        channel: workspace.channel,
      });
    }
    await fake.waitFor(() => fake.threadMessages(alpha.channel, threadOf.alpha).length > 0, 20_000);
    const key = `${bravo.teamId}:${bravo.channel}:${threadOf.bravo}`;
    expect(await runtime.findSession({ surface: "slack", conversationKey: key })).toBeUndefined();
    expect(fake.calls.slice(before).filter((call) => call.teamId === bravo.teamId)).toEqual([]);
  });
});
