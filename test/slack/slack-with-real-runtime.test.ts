import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { defineTool } from "../../src/domain/tool.ts";
import type { WorkspacesPort } from "../../src/domain/workspaces-port.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { createDatabaseSlackStore } from "../../src/surfaces/slack/database-slack-store.ts";
import {
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { briefOf, createTestRuntime, isSupervisorRequest, testConfig } from "../helpers/runtime-harness.ts";
import { channel, findButton, type Harness, startHarness } from "./support/harness.ts";

const owner = "U0OWNER";
const stranger = "U0STRANGER";

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

/** Stands in for the git workspace manager: a branch per agent, a draft PR on finish. */
const workspaces: WorkspacesPort = {
  async createWorkspace(request) {
    return {
      repoName: request.repo,
      root: "/nonexistent",
      branch: `tw/${request.agentId.slice(-6)}`,
      baseCommit: "abc123",
    };
  },
  async finalizeWorkspace(request) {
    return {
      branch: request.workspace.branch,
      commit: "def456",
      diffStats: { files: 3, insertions: 40, deletions: 12 },
      pushed: true,
      pullRequestUrl: "https://github.com/acme/app/pull/7",
    };
  },
};

const firstText = (messages: { text: string }[]) => messages[0]?.text ?? "";

/** Holds the "nap" worker's first model call until a test lets it go. */
let releaseNapper: () => void = () => {};
const napperReleased = new Promise<void>((resolve) => {
  releaseNapper = resolve;
});

/** One responder for every session in this file, routed by what the session's first message says. */
function respond(server: FakeLlmServer): void {
  server.respondWith((request) => {
    const first = firstText(request.messages);
    if (isSupervisorRequest(request)) {
      if (request.lastUserText.includes("finished")) {
        return textResponse(
          first.includes("migration") ? "Migration done." : "All done: the flaky test is fixed.",
        );
      }
      if (request.lastToolResults.length > 0) return textResponse("Started one agent.");
      if (request.turnIndex > 0) return textResponse("Noted.");
      if (first.includes("fix the flaky tests")) {
        return toolCallResponse([
          {
            name: "spawn_agent",
            input: { title: "Fix flaky tests", brief: "fix: make the queue test stable", repo: "app" },
          },
        ]);
      }
      if (first.includes("nap")) {
        return toolCallResponse([
          { name: "spawn_agent", input: { title: "Napper", brief: "nap: wait a long time" } },
        ]);
      }
      if (first.includes("spend")) {
        return toolCallResponse([
          { name: "spawn_agent", input: { title: "Spender", brief: "spend: think for a long time" } },
        ]);
      }
      if (first.includes("migration")) {
        return toolCallResponse([
          { name: "spawn_agent", input: { title: "Migrator", brief: "migrate: run the migration" } },
        ]);
      }
      return textResponse("Noted.");
    }
    const brief = briefOf(request);
    const lastResult = request.lastToolResults[0]?.content ?? "";
    if (brief.startsWith("nap")) {
      return napperReleased.then(() =>
        toolCallResponse([{ name: "finish", input: { summary: "Woke up." } }]),
      );
    }
    if (brief.startsWith("fix")) {
      if (request.turnIndex === 0) {
        return toolCallResponse([{ name: "report_progress", input: { text: "Reproduced the failure" } }]);
      }
      if (request.turnIndex === 1) {
        return toolCallResponse([
          { name: "ask_user", input: { question: "Which test runner?", choices: ["vitest", "jest"] } },
        ]);
      }
      // The second run matches the "Always allow" rule and needs no approval.
      if (request.turnIndex === 2 || request.turnIndex === 3) {
        return toolCallResponse([{ name: "run_tests", input: { command: "npm test -- --run" } }]);
      }
      return toolCallResponse([{ name: "finish", input: { summary: `Fixed it; tests say ${lastResult}` } }]);
    }
    if (request.turnIndex === 0) {
      return toolCallResponse([{ name: "report_progress", input: { text: "Checking the schema" } }]);
    }
    if (request.turnIndex === 1) {
      return toolCallResponse([
        { name: "ask_user", input: { question: "Proceed with the migration?", choices: ["yes", "no"] } },
      ]);
    }
    return toolCallResponse([{ name: "finish", input: { summary: `Migration: ${lastResult}` } }]);
  });
}

describe("Slack with the real runtime", () => {
  let handle: DatabaseHandle;
  let llm: FakeLlmServer;
  let fake: FakeSlackServer;
  const running: { runtime: Runtime; harness: Harness }[] = [];

  async function startInstance(instanceId: string, config = testConfig()) {
    const runtime = createTestRuntime({
      handle,
      anthropicBaseUrl: llm.anthropicBaseUrl,
      config,
      instanceId,
      workerTools: [runTests],
      workspaces,
      repositories: { names: ["app"], defaultRepository: undefined },
    });
    // The surface listens before the runtime re-announces what is pending.
    const harness = await startHarness({ runtime, fake, store: createDatabaseSlackStore(handle.db) });
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
    handle = await createTestDatabase("postgres");
    llm = await startFakeLlmServer();
    respond(llm);
    fake = await FakeSlackServer.start();
    fake.addUser({ id: "U0ALICE", name: "alice" });
    fake.addUser({ id: "U0BOB", name: "bob" });
  });
  afterAll(async () => {
    releaseNapper();
    for (const instance of [...running]) await stopInstance(instance);
    await fake?.close();
    await llm?.close();
    await handle?.close();
  });

  const posted = (threadTs: string, prefix: string) =>
    fake.threadMessages(channel, threadTs).find((message) => message.text.startsWith(prefix));
  /** New messages in a thread whose text starts with `prefix`: posted, or started as a stream. */
  const postCount = (threadTs: string, prefix: string) =>
    [...fake.callsTo("chat.postMessage"), ...fake.callsTo("chat.startStream")].filter(
      (call) =>
        call.params.thread_ts === threadTs &&
        String(call.params.text ?? call.params.markdown_text).startsWith(prefix),
    ).length;

  it("runs mention → board → question → approval → summary with results end to end", async () => {
    const instance = await startInstance("main");
    const { harness, runtime } = instance;
    const threadTs = "1700010000.000100";
    await harness.event("EvMain", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> fix the flaky tests`,
      ts: threadTs,
      channel,
    });

    const board = await fake.waitFor(() => posted(threadTs, "Crew:"), 15_000);
    await fake.waitFor(() => JSON.stringify(board.blocks).includes("Reproduced the failure"), 15_000);

    const question = await fake.waitFor(() => posted(threadTs, "Fix flaky tests asks:"), 15_000);
    expect(question.text).toBe("Fix flaky tests asks: Which test runner?");
    await fake.waitFor(() => JSON.stringify(board.blocks).includes("waiting for you"), 5000);
    const choice = findButton(question.blocks, actionIds.answerChoice);
    await harness.click({
      user: owner,
      actionId: choice?.action_id ?? "",
      value: choice?.value ?? "",
      messageTs: question.ts,
      threadTs,
    });
    await fake.waitFor(() => JSON.stringify(question.blocks).includes("*Answer:* vitest"), 10_000);
    expect(JSON.stringify(question.blocks)).toContain(`<@${owner}>`);

    const approval = await fake.waitFor(() => posted(threadTs, "Approval needed"), 15_000);
    const approvalJson = JSON.stringify(approval.blocks);
    expect(approvalJson).toContain("npm test -- --run");
    expect(approvalJson).toMatch(/app @ tw\/\w+/);
    expect(approvalJson).toContain("run_tests");
    const approve = findButton(approval.blocks, actionIds.approve);
    const clickApprove = (user: string) =>
      harness.click({
        user,
        actionId: actionIds.approve,
        value: approve?.value ?? "",
        messageTs: approval.ts,
        threadTs,
      });

    await clickApprove(stranger);
    const refusal = await fake.waitFor(() =>
      fake
        .callsTo("chat.postEphemeral")
        .find((call) => call.params.user === stranger && call.params.thread_ts === threadTs),
    );
    expect(String(refusal.params.text)).toContain("Only the person who started this session");
    const sessionId =
      (
        await runtime.findSession({
          surface: "slack",
          conversationKey: `${fake.teamId}:${channel}:${threadTs}`,
        })
      )?.id ?? "";
    expect((await runtime.listPendingRequests(sessionId)).map((request) => request.kind)).toEqual([
      "approval",
    ]);

    await harness.click({
      user: owner,
      actionId: actionIds.alwaysAllow,
      value: approve?.value ?? "",
      messageTs: approval.ts,
      threadTs,
    });
    await fake.waitFor(() => JSON.stringify(approval.blocks).includes("Approved (always allow)"), 10_000);
    expect(JSON.stringify(approval.blocks)).toContain(`by <@${owner}>`);
    expect(findButton(approval.blocks, actionIds.approve)).toBeUndefined();

    const summary = await fake.waitFor(() => posted(threadTs, "All done"), 20_000);
    expect(summary.text).toBe("All done: the flaky test is fixed.");
    const results = await fake.waitFor(() => posted(threadTs, "Results"), 10_000);
    const resultsJson = JSON.stringify(results.blocks);
    expect(resultsJson).toContain("https://github.com/acme/app/pull/7");
    expect(resultsJson).toContain("3 files, +40 −12");
    expect(resultsJson).toMatch(/Session cost: \$\d+\.\d{4}/);
    await fake.waitFor(() => JSON.stringify(board.blocks).includes("done"), 5000);

    expect(postCount(threadTs, "Crew:")).toBe(1);
    expect(postCount(threadTs, "Fix flaky tests asks:")).toBe(1);
    expect(postCount(threadTs, "Approval needed")).toBe(1);
    await stopInstance(instance);
  });

  it("gives the supervisor's first model request the thread's earlier messages with their authors", async () => {
    const instance = await startInstance("context");
    const threadTs = "1700020000.000100";
    const mentionTs = "1700020000.000300";
    fake.setThread(channel, threadTs, [
      { user: "U0ALICE", text: "The nightly build fails on arm64", ts: threadTs },
      { user: "U0BOB", text: "Linker error, log attached", ts: "1700020000.000200", thread_ts: threadTs },
      { user: owner, text: `<@${fake.botUserId}> can you fix it?`, ts: mentionTs, thread_ts: threadTs },
    ]);
    const before = llm.requests.length;
    await instance.harness.event("EvContext", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> can you fix it?`,
      ts: mentionTs,
      thread_ts: threadTs,
      channel,
    });
    const request = await fake.waitFor(
      () =>
        llm.requests
          .slice(before)
          .find((item) => isSupervisorRequest(item) && item.lastUserText.includes("can you fix it?")),
      15_000,
    );
    expect(request.lastUserText).toContain(
      '["alice" (U0ALICE), not the session owner] The nightly build fails on arm64',
    );
    expect(request.lastUserText).toContain(
      '["bob" (U0BOB), not the session owner] Linker error, log attached',
    );
    expect(request.lastUserText.indexOf('"alice"')).toBeLessThan(
      request.lastUserText.indexOf("can you fix it?"),
    );
    await fake.waitFor(() => posted(threadTs, "Noted."), 10_000);
    await stopInstance(instance);
  });

  it("runs a DM as its own session and answers in the DM thread", async () => {
    const instance = await startInstance("dm");
    const dm = "D0DIRECT";
    const dmTs = "1700060000.000100";
    await instance.harness.event("EvDmReal", {
      type: "message",
      channel_type: "im",
      channel: dm,
      user: owner,
      text: "what is in the repo?",
      ts: dmTs,
    });
    const reply = await fake.waitFor(
      () => fake.threadMessages(dm, dmTs).find((message) => message.text === "Noted."),
      15_000,
    );
    expect(reply.threadTs).toBe(dmTs);
    const session = await instance.runtime.findSession({
      surface: "slack",
      conversationKey: `${fake.teamId}:${dm}:${dmTs}`,
    });
    expect(session).toMatchObject({
      ownerId: owner,
      metadata: { channel: dm, threadTs: dmTs, teamId: fake.teamId },
    });
    await stopInstance(instance);
  });

  it("starts one session from an event delivered three times and a mention delivered twice", async () => {
    const instance = await startInstance("duplicates");
    const threadTs = "1700030000.000100";
    const event = {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> hello there`,
      ts: threadTs,
      channel,
    };
    await Promise.all([
      instance.harness.event("EvTriple", event),
      instance.harness.event("EvTriple", event),
      instance.harness.event("EvTriple", event),
    ]);
    await instance.harness.event("EvTripleMessage", { ...event, type: "message", channel_type: "channel" });
    await fake.waitFor(() => posted(threadTs, "Noted."), 15_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const supervisorRequests = llm.requests.filter(
      (request) => isSupervisorRequest(request) && request.lastUserText.includes("hello there"),
    );
    expect(supervisorRequests).toHaveLength(1);
    expect(postCount(threadTs, "Noted.")).toBe(1);
    const sessions = await instance.runtime.listSessionsForUser(owner, 50);
    expect(sessions.filter((session) => session.conversationKey.endsWith(threadTs))).toHaveLength(1);
    await stopInstance(instance);
  });

  it("asks to extend or stop at the budget, refuses a stranger, and stops on the owner's word", async () => {
    const instance = await startInstance("budget", testConfig({ sessionBudgetTokens: 1 }));
    const { harness } = instance;
    const threadTs = "1700070000.000100";
    await harness.event("EvBudget", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> spend wisely`,
      ts: threadTs,
      channel,
    });
    const budget = await fake.waitFor(() => posted(threadTs, "Budget reached"), 15_000);
    expect(budget.text).toContain("token budget");
    const stop = findButton(budget.blocks, actionIds.budgetStop);
    expect(findButton(budget.blocks, actionIds.budgetExtend)).toBeDefined();

    await harness.click({
      user: stranger,
      actionId: actionIds.budgetExtend,
      value: stop?.value ?? "",
      messageTs: budget.ts,
      threadTs,
    });
    await fake.waitFor(() =>
      fake
        .callsTo("chat.postEphemeral")
        .find((call) => call.params.thread_ts === threadTs && call.params.user === stranger),
    );
    expect(JSON.stringify(budget.blocks)).toContain(actionIds.budgetStop);

    await harness.click({
      user: owner,
      actionId: actionIds.budgetStop,
      value: stop?.value ?? "",
      messageTs: budget.ts,
      threadTs,
    });
    await fake.waitFor(() => JSON.stringify(budget.blocks).includes("Stopped"), 10_000);
    expect(JSON.stringify(budget.blocks)).toContain(`by <@${owner}>`);
    expect(findButton(budget.blocks, actionIds.budgetStop)).toBeUndefined();
    await stopInstance(instance);
  });

  it("stops a running agent from the board for the owner only", async () => {
    const instance = await startInstance("stop");
    const { harness, runtime } = instance;
    const threadTs = "1700080000.000100";
    await harness.event("EvStop", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> take a nap`,
      ts: threadTs,
      channel,
    });
    const board = await fake.waitFor(() => posted(threadTs, "Crew:"), 15_000);
    const stopAgent = await fake.waitFor(() => findButton(board.blocks, actionIds.stopAgent), 5000);

    await harness.click({
      user: stranger,
      actionId: actionIds.stopAll,
      value: "all",
      messageTs: board.ts,
      threadTs,
    });
    await fake.waitFor(() =>
      fake
        .callsTo("chat.postEphemeral")
        .find((call) => call.params.thread_ts === threadTs && call.params.user === stranger),
    );
    const sessionId =
      (
        await runtime.findSession({
          surface: "slack",
          conversationKey: `${fake.teamId}:${channel}:${threadTs}`,
        })
      )?.id ?? "";
    expect((await runtime.listAgents(sessionId)).find((agent) => agent.title === "Napper")?.status).toBe(
      "running",
    );

    await harness.click({
      user: owner,
      actionId: actionIds.stopAgent,
      value: stopAgent.value,
      messageTs: board.ts,
      threadTs,
    });
    await fake.waitFor(() => JSON.stringify(board.blocks).includes("cancelled"), 10_000);
    expect((await runtime.listAgents(sessionId)).find((agent) => agent.title === "Napper")?.status).toBe(
      "cancelled",
    );
    expect(findButton(board.blocks, actionIds.stopAgent)).toBeUndefined();
    releaseNapper();
    await stopInstance(instance);
  });

  it("posts no second board or question after a restart mid-session", async () => {
    const first = await startInstance("before-restart");
    const threadTs = "1700040000.000100";
    await first.harness.event("EvRestart", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> run the migration`,
      ts: threadTs,
      channel,
    });
    const question = await fake.waitFor(() => posted(threadTs, "Migrator asks:"), 15_000);
    const board = await fake.waitFor(() => posted(threadTs, "Crew:"), 5000);
    await fake.waitFor(() => JSON.stringify(board.blocks).includes("waiting for you"), 5000);
    await stopInstance(first);

    // A new process: a new runtime re-announces the pending question, a new surface renders it.
    const callsBefore = fake.calls.length;
    const second = await startInstance("after-restart");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(postCount(threadTs, "Migrator asks:")).toBe(1);
    expect(fake.calls.slice(callsBefore).filter((call) => call.method === "chat.postMessage")).toHaveLength(
      0,
    );

    const yes = findButton(question.blocks, actionIds.answerChoice);
    await second.harness.click({
      user: owner,
      actionId: yes?.action_id ?? "",
      value: yes?.value ?? "",
      messageTs: question.ts,
      threadTs,
    });
    await fake.waitFor(() => JSON.stringify(question.blocks).includes("*Answer:* yes"), 10_000);
    await fake.waitFor(() => posted(threadTs, "Migration done."), 20_000);
    await fake.waitFor(() => JSON.stringify(board.blocks).includes("done"), 5000);
    expect(postCount(threadTs, "Crew:")).toBe(1);
    expect(postCount(threadTs, "Migrator asks:")).toBe(1);
    await stopInstance(second);
  });
});
