import { spawn } from "node:child_process";
import path from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { databaseAuditTrail } from "../../src/adapters/database/audit-entries.ts";
import { migrateDatabase } from "../../src/adapters/database/migrate.ts";
import { type DatabaseHandle, openDatabase } from "../../src/adapters/database/open-database.ts";
import type { AuditTrail } from "../../src/domain/audit-export.ts";
import { defineTool } from "../../src/domain/tool.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { adminOnlyRefusal } from "../../src/surfaces/slack/commands/audit-subcommand.ts";
import { createDatabaseSlackStore } from "../../src/surfaces/slack/database-slack-store.ts";
import {
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { createEmptyPostgresDatabase } from "../helpers/database.ts";
import { eventually } from "../helpers/eventually.ts";
import { csvRecords } from "../helpers/read-csv.ts";
import { briefOf, createTestRuntime, isSupervisorRequest, testConfig } from "../helpers/runtime-harness.ts";
import { scaled } from "../helpers/time-scale.ts";
import { channel, findButton, type Harness, startHarness } from "../slack/support/harness.ts";

const root = path.resolve(import.meta.dirname, "../..");
const owner = "U0OWNER";
const approver = "U0APPROVER";
const admin = "U0ADMIN";
const namedAdmin = "U0NAMEDADMIN";
const otherTeam = "T0OTHERTEAM";

const runTests = defineTool({
  name: "run_tests",
  description: "Run a command line.",
  input: z.object({ command: z.string() }),
  risk: "risky",
  describe: (input) => `run ${input.command}`,
  async execute() {
    return "42 passed";
  },
});

/** The commands the supervisor asks to run, one per turn: approved, denied, always allowed. */
const commands = ["npm test -- --run", 'rm -rf build "out", now', "npm run lint"];

let releaseNapper: () => void = () => {};
const napperReleased = new Promise<void>((resolve) => {
  releaseNapper = resolve;
});

function respond(server: FakeLlmServer): void {
  server.respondWith((request) => {
    const first = request.messages[0]?.text ?? "";
    if (isSupervisorRequest(request)) {
      if (first.includes("check everything")) {
        const command = commands[request.turnIndex];
        return command
          ? toolCallResponse([{ name: "run_tests", input: { command } }])
          : textResponse("All checked.");
      }
      const worker = first.includes("nap") ? "nap" : first.includes("spend") ? "spend" : undefined;
      if (worker && request.turnIndex === 0) {
        return toolCallResponse([
          {
            name: "spawn_agent",
            input: { title: worker === "nap" ? "Napper" : "Spender", brief: `${worker}: go` },
          },
        ]);
      }
      return textResponse("Noted.");
    }
    if (briefOf(request).startsWith("nap")) {
      return napperReleased.then(() =>
        toolCallResponse([{ name: "finish", input: { summary: "Woke up." } }]),
      );
    }
    return toolCallResponse([{ name: "finish", input: { summary: "Spent." } }]);
  });
}

/** Runs `npm run audit -- …` against the scenario's database; resolves with its output. */
function npmRunAudit(
  databaseUrl: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn("npm", ["run", "--silent", "audit", "--", ...args], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      DATABASE_URL: databaseUrl,
      NODE_ENV: "production",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += String(chunk);
  });
  child.stderr.on("data", (chunk) => {
    stderr += String(chunk);
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

interface Row {
  at: string;
  team_id: string;
  action: string;
  actor_id: string;
  channel_id: string | null;
  session_id: string | null;
  detail: string;
}

describe("the audit export", () => {
  let database: { url: string; drop(): Promise<void> };
  let handle: DatabaseHandle;
  let llm: FakeLlmServer;
  let fake: FakeSlackServer;
  let audit: AuditTrail;
  const running: { runtime: Runtime; harness: Harness }[] = [];
  const startedAt = new Date();

  async function startInstance(instanceId: string, config = testConfig({}, [approver])) {
    const runtime = createTestRuntime({
      handle,
      anthropicBaseUrl: llm.anthropicBaseUrl,
      config,
      instanceId,
      supervisorTools: [runTests],
    });
    const harness = await startHarness({
      runtime,
      fake,
      store: createDatabaseSlackStore(handle.db),
      audit,
      slack: { admins: [namedAdmin] },
    });
    await runtime.start();
    const instance = { runtime, harness };
    running.push(instance);
    return instance;
  }

  async function stopInstance(instance: { runtime: Runtime; harness: Harness }) {
    await instance.harness.stop();
    await instance.runtime.stop();
    running.splice(running.indexOf(instance), 1);
  }

  beforeAll(async () => {
    database = await createEmptyPostgresDatabase();
    handle = await openDatabase({ url: database.url, dataDir: "", logger: pino({ level: "silent" }) });
    await migrateDatabase(handle);
    audit = databaseAuditTrail(handle.db);
    llm = await startFakeLlmServer();
    respond(llm);
    fake = await FakeSlackServer.start();
    for (const id of [owner, approver, namedAdmin]) fake.addUser({ id, name: id.toLowerCase() });
    fake.addUser({ id: admin, name: "admin", isAdmin: true });
  });
  afterAll(async () => {
    releaseNapper();
    for (const instance of [...running]) await stopInstance(instance);
    await fake?.close();
    await llm?.close();
    await handle?.close();
    await database?.drop();
  });

  const posted = (threadTs: string, prefix: string, containing = "") =>
    fake
      .threadMessages(channel, threadTs)
      .find(
        (message) => message.text.startsWith(prefix) && JSON.stringify(message.blocks).includes(containing),
      );

  async function sessionOf(runtime: Runtime, threadTs: string): Promise<string> {
    const session = await runtime.findSession({
      surface: "slack",
      conversationKey: `${fake.teamId}:${channel}:${threadTs}`,
    });
    return session?.id ?? "";
  }

  async function decideApproval(
    harness: Harness,
    threadTs: string,
    command: string,
    user: string,
    actionId: string,
  ) {
    const escaped = JSON.stringify(command).slice(1, -1);
    const approval = await fake.waitFor(() => posted(threadTs, "Approval needed", escaped), scaled(15_000));
    const button = findButton(approval.blocks, actionIds.approve);
    await harness.click({ user, actionId, value: button?.value ?? "", messageTs: approval.ts, threadTs });
    await fake.waitFor(() => !findButton(approval.blocks, actionIds.approve), scaled(10_000));
  }

  /** The file the last `/threadwork audit` sent to `user`'s DM. */
  async function exportFromSlack(harness: Harness, user: string, text: string): Promise<string> {
    const uploadsBefore = fake.uploads.uploads.size;
    await harness.command({ user, command: "/threadwork", text });
    const upload = await fake.waitFor(
      () => [...fake.uploads.uploads.values()].slice(uploadsBefore).find((item) => item.completed),
      scaled(10_000),
    );
    expect(upload.channel).toBe(`D${user.slice(1)}`);
    return upload.bytes?.toString("utf8") ?? "";
  }

  function expectEveryDecision(rows: Row[], sessions: { checks: string; stop: string; budget: string }) {
    const ofTeam = rows.filter((row) => row.team_id === fake.teamId);
    const expected = [
      {
        action: "approval-approved",
        actor_id: owner,
        session_id: sessions.checks,
        detail: "run_tests: npm test -- --run",
      },
      {
        action: "approval-denied",
        actor_id: approver,
        session_id: sessions.checks,
        detail: `run_tests: ${commands[1]}`,
      },
      {
        action: "always-allow",
        actor_id: owner,
        session_id: sessions.checks,
        detail: "run_tests: npm run lint",
      },
      {
        action: "stop",
        actor_id: owner,
        session_id: sessions.stop,
        detail: expect.stringMatching(/^Stopped Napper \(agt/),
      },
      {
        action: "stop",
        actor_id: owner,
        session_id: sessions.stop,
        detail: "Stopped the session (no sub-agent was working)",
      },
      {
        action: "budget-extended",
        actor_id: approver,
        session_id: sessions.budget,
        detail: "Session budget extended from 1 token to 2 tokens",
      },
    ];
    expect(ofTeam).toEqual(expected.map((row) => expect.objectContaining({ ...row, channel_id: channel })));
    for (const row of ofTeam) {
      const at = new Date(row.at).getTime();
      expect(at).toBeGreaterThanOrEqual(startedAt.getTime() - 60_000);
      expect(at).toBeLessThanOrEqual(Date.now() + 60_000);
    }
  }

  it("holds every approval, denial, always-allow, Stop and budget extension, with who and when, in both formats and from both places", {
    timeout: scaled(180_000),
  }, async () => {
    // Another installation's decision: it must never reach this workspace's export.
    await audit.record({
      scope: { teamId: otherTeam, enterpriseId: undefined },
      action: "approval-approved",
      actorId: "U0ELSEWHERE",
      channelId: "C0ELSEWHERE",
      detail: "run_tests: another team's command",
    });

    const first = await startInstance("decisions");
    const checksTs = "1700100000.000100";
    await first.harness.event("EvAuditChecks", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> check everything`,
      ts: checksTs,
      channel,
    });
    await decideApproval(first.harness, checksTs, commands[0] ?? "", owner, actionIds.approve);
    await decideApproval(first.harness, checksTs, commands[1] ?? "", approver, actionIds.deny);
    await decideApproval(first.harness, checksTs, commands[2] ?? "", owner, actionIds.alwaysAllow);
    await fake.waitFor(() => posted(checksTs, "All checked."), scaled(15_000));

    const stopTs = "1700100000.000200";
    await first.harness.event("EvAuditStop", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> take a nap`,
      ts: stopTs,
      channel,
    });
    const board = await fake.waitFor(() => posted(stopTs, "Crew:"), scaled(15_000));
    const stopAgent = await fake.waitFor(() => findButton(board.blocks, actionIds.stopAgent), scaled(10_000));
    const click = { user: owner, messageTs: board.ts, threadTs: stopTs };
    await first.harness.click({ ...click, actionId: stopAgent.action_id, value: stopAgent.value });
    await fake.waitFor(() => JSON.stringify(board.blocks).includes("cancelled"), scaled(10_000));
    await first.harness.click({ ...click, actionId: actionIds.stopAll, value: "all" });
    const sessions = {
      checks: await sessionOf(first.runtime, checksTs),
      stop: await sessionOf(first.runtime, stopTs),
      budget: "",
    };
    await eventually(
      async () =>
        (await audit.list({ teamId: fake.teamId })).filter((row) => row.action === "stop").length === 2,
    );
    await stopInstance(first);

    const second = await startInstance("budget", testConfig({ sessionBudgetTokens: 1 }, [approver]));
    const budgetTs = "1700100000.000300";
    await second.harness.event("EvAuditBudget", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> spend wisely`,
      ts: budgetTs,
      channel,
    });
    const budget = await fake.waitFor(() => posted(budgetTs, "Budget reached"), scaled(15_000));
    const extend = findButton(budget.blocks, actionIds.budgetExtend);
    await second.harness.click({
      user: approver,
      actionId: actionIds.budgetExtend,
      value: extend?.value ?? "",
      messageTs: budget.ts,
      threadTs: budgetTs,
    });
    await fake.waitFor(() => JSON.stringify(budget.blocks).includes("Budget extended"), scaled(10_000));
    sessions.budget = await sessionOf(second.runtime, budgetTs);

    // A member who is no admin is refused, and nothing is uploaded.
    const uploadsBefore = fake.uploads.uploads.size;
    await second.harness.command({ user: owner, command: "/threadwork", text: "audit csv" });
    await fake.waitFor(
      () => fake.callsTo("chat.postEphemeral").find((call) => call.params.text === adminOnlyRefusal),
      scaled(10_000),
    );
    expect(fake.uploads.uploads.size).toBe(uploadsBefore);

    const csv = await exportFromSlack(second.harness, admin, "audit csv");
    expect(
      csv.startsWith("id,at,team_id,enterprise_id,action,actor_id,channel_id,session_id,detail\r\n"),
    ).toBe(true);
    const csvRows = csvRecords(csv).map((row) => ({ ...row, channel_id: row.channel_id || null }));
    expectEveryDecision(csvRows as unknown as Row[], sessions);
    expect(csv).not.toContain(otherTeam);

    const json = await exportFromSlack(second.harness, namedAdmin, "audit --since 2020-01-01 json");
    expectEveryDecision(JSON.parse(json) as Row[], sessions);
    expect(json).not.toContain(otherTeam);
    const future = await exportFromSlack(second.harness, admin, "audit --since 2999-01-01 json");
    expect(JSON.parse(future)).toEqual([]);

    const terminalCsv = await npmRunAudit(database.url, [
      "--since",
      "2020-01-01",
      "--format",
      "csv",
      "--team",
      fake.teamId,
    ]);
    expect(terminalCsv.code).toBe(0);
    const terminalRows = csvRecords(terminalCsv.stdout).map((row) => ({
      ...row,
      channel_id: row.channel_id || null,
    }));
    expectEveryDecision(terminalRows as unknown as Row[], sessions);
    expect(terminalCsv.stdout).not.toContain(otherTeam);

    const terminalJson = await npmRunAudit(database.url, ["--format", "json"]);
    expect(terminalJson.code).toBe(0);
    const everyTeam = JSON.parse(terminalJson.stdout) as Row[];
    expectEveryDecision(everyTeam, sessions);
    expect(everyTeam.filter((row) => row.team_id === otherTeam).map((row) => row.actor_id)).toEqual([
      "U0ELSEWHERE",
    ]);
  });
});
