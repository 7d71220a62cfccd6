import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import { actionIds, viewIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { createDatabaseSlackStore } from "../../src/surfaces/slack/database-slack-store.ts";
import {
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { submitAnswerModal } from "../helpers/answer-modal.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { eventually } from "../helpers/eventually.ts";
import { createTestRuntime, isSupervisorRequest, testConfig } from "../helpers/runtime-harness.ts";
import { scaled } from "../helpers/time-scale.ts";
import { channel, findButton, type Harness, startHarness } from "./support/harness.ts";

const owner = "U0OWNER";
const stranger = "U0STRANGER";

/** The supervisor spawns `count` workers in one turn, titled with `prefix`. */
function spawns(count: number, prefix: string) {
  return toolCallResponse(
    Array.from({ length: count }, (_, index) => ({
      name: "spawn_agent",
      input: { title: `${prefix} ${index + 1}`, brief: `work: part ${index + 1}` },
    })),
  );
}

/** "fan out N" spawns N workers; a change makes it spawn N revised ones; a cancel gets a plain answer. */
function respond(server: FakeLlmServer): void {
  server.respondWith((request) => {
    if (!isSupervisorRequest(request)) {
      return toolCallResponse([{ name: "finish", input: { summary: "Part done." } }]);
    }
    const results = request.lastToolResults.map((result) => result.content).join("\n");
    if (results.includes("asked for a change")) return spawns(4, "Revised");
    if (results.includes("cancelled the plan")) return textResponse("Understood: nothing started.");
    if (results.includes("agent_id")) return textResponse("Started the workers.");
    if (request.lastUserText.includes("finished")) return textResponse("All parts done.");
    const count = /fan out (\d+)/.exec(request.messages[0]?.text ?? "")?.[1];
    if (request.turnIndex === 0 && count) return spawns(Number(count), "Part");
    return textResponse("Noted.");
  });
}

describe("a fan-out past the plan threshold", () => {
  let handle: DatabaseHandle;
  let llm: FakeLlmServer;
  let fake: FakeSlackServer;
  const running: { runtime: Runtime; harness: Harness }[] = [];

  async function startInstance(instanceId: string) {
    const runtime = createTestRuntime({
      handle,
      anthropicBaseUrl: llm.anthropicBaseUrl,
      config: testConfig({ planWorkersThreshold: 3 }),
      instanceId,
    });
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
  });
  afterAll(async () => {
    for (const instance of [...running]) await stopInstance(instance);
    await fake?.close();
    await llm?.close();
    await handle?.close();
  });

  const plans = (threadTs: string) =>
    fake.threadMessages(channel, threadTs).filter((message) => message.text.startsWith("Plan"));
  const workersOf = async (runtime: Runtime, sessionId: string) =>
    (await runtime.listAgents(sessionId)).filter((agent) => agent.role === "worker");

  async function mention(harness: Harness, runtime: Runtime, threadTs: string, text: string) {
    await harness.event(`Ev${threadTs}`, {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> ${text}`,
      ts: threadTs,
      channel,
    });
    const plan = await fake.waitFor(() => plans(threadTs)[0], 15_000);
    const session = await runtime.findSession({
      surface: "slack",
      conversationKey: `${fake.teamId}:${channel}:${threadTs}`,
    });
    return { plan, sessionId: session?.id ?? "" };
  }

  const click = (
    harness: Harness,
    user: string,
    actionId: string,
    message: { ts: string; blocks: unknown[] },
    threadTs: string,
  ) =>
    harness.click({
      user,
      actionId,
      value: findButton(message.blocks, actionId)?.value ?? "",
      messageTs: message.ts,
      threadTs,
    });

  it("shows the plan and starts no worker until the owner presses Start; a stranger's Start is refused", {
    timeout: scaled(60_000),
  }, async () => {
    const { harness, runtime } = await startInstance("start");
    const threadTs = "1700100000.000100";
    const { plan, sessionId } = await mention(harness, runtime, threadTs, "fan out 4 for the start test");

    const json = JSON.stringify(plan.blocks);
    expect(json).toContain('"type":"plan"');
    expect((json.match(/"type":"task_card"/g) ?? []).length).toBe(4);
    expect(json).toContain("Part 4");
    expect(json).toContain("anthropic:claude-haiku-5-5");
    expect(json).toContain("4 workers, more than 3");
    expect(json).toContain("an estimate: 25 model turns per worker");
    expect(plan.text).toMatch(/^Plan: 4 workers, ~\$\d+\.\d+\. Start, Change or Cancel\?$/);
    expect(findButton(plan.blocks, actionIds.planChange)).toBeDefined();
    expect(findButton(plan.blocks, actionIds.planCancel)).toBeDefined();
    expect(await workersOf(runtime, sessionId)).toEqual([]);

    await click(harness, stranger, actionIds.planStart, plan, threadTs);
    const refusal = await fake.waitFor(() =>
      fake
        .callsTo("chat.postEphemeral")
        .find((call) => call.params.user === stranger && call.params.thread_ts === threadTs),
    );
    expect(String(refusal.params.text)).toContain("Only the person who started this session");
    expect((await runtime.listPendingRequests(sessionId)).map((request) => request.kind)).toEqual(["plan"]);
    expect(await workersOf(runtime, sessionId)).toEqual([]);
    expect(llm.requests.filter((request) => !isSupervisorRequest(request))).toHaveLength(0);

    await click(harness, owner, actionIds.planStart, plan, threadTs);
    await fake.waitFor(() => JSON.stringify(plan.blocks).includes("Started"), 10_000);
    expect(JSON.stringify(plan.blocks)).toContain(`by <@${owner}>`);
    expect(findButton(plan.blocks, actionIds.planStart)).toBeUndefined();
    await eventually(async () => (await workersOf(runtime, sessionId)).length === 4, { timeoutMs: 15_000 });
    await fake.waitFor(
      () => fake.threadMessages(channel, threadTs).find((message) => message.text === "All parts done."),
      20_000,
    );
    expect((await workersOf(runtime, sessionId)).map((agent) => agent.title).sort()).toEqual([
      "Part 1",
      "Part 2",
      "Part 3",
      "Part 4",
    ]);
    expect(plans(threadTs)).toHaveLength(1);
    await stopInstance({ harness, runtime });
  });

  it("sends a Change's words to the supervisor, which posts a new plan, and starts nothing", {
    timeout: scaled(60_000),
  }, async () => {
    const { harness, runtime } = await startInstance("change");
    const threadTs = "1700200000.000100";
    const { plan, sessionId } = await mention(harness, runtime, threadTs, "fan out 5 for the change test");
    const opens = fake.callsTo("views.open").length;
    await click(harness, owner, actionIds.planChange, plan, threadTs);
    const opened = await fake.waitFor(() => fake.callsTo("views.open")[opens]);
    const view = opened.params.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(viewIds.planChangeModal);
    expect(await submitAnswerModal(harness, { user: owner, view, value: "Only four parts, please" })).toBe(
      200,
    );

    const second = await fake.waitFor(() => plans(threadTs)[1], 15_000);
    expect(JSON.stringify(second.blocks)).toContain("Revised 4");
    expect(JSON.stringify(plan.blocks)).toContain("Sent back with a change");
    expect(JSON.stringify(plan.blocks)).toContain("Only four parts, please");
    const replanned = llm.requests.find(
      (request) =>
        isSupervisorRequest(request) &&
        request.lastToolResults.some((result) => result.content.includes("Only four parts, please")),
    );
    expect(replanned?.lastToolResults).toHaveLength(5);
    expect(replanned?.lastToolResults[0]?.content).toContain("asked for a change");
    expect(await workersOf(runtime, sessionId)).toEqual([]);
    const pending = await runtime.listPendingRequests(sessionId);
    expect(pending.map((request) => request.kind)).toEqual(["plan"]);
    await stopInstance({ harness, runtime });
  });

  it("starts nothing on Cancel and tells the supervisor so", { timeout: scaled(60_000) }, async () => {
    const { harness, runtime } = await startInstance("cancel");
    const threadTs = "1700300000.000100";
    const { plan, sessionId } = await mention(harness, runtime, threadTs, "fan out 4 for the cancel test");
    await click(harness, owner, actionIds.planCancel, plan, threadTs);
    await fake.waitFor(
      () =>
        fake
          .threadMessages(channel, threadTs)
          .find((message) => message.text === "Understood: nothing started."),
      15_000,
    );
    expect(JSON.stringify(plan.blocks)).toContain("Cancelled");
    expect(await workersOf(runtime, sessionId)).toEqual([]);
    await stopInstance({ harness, runtime });
  });

  it("starts a fan-out at or below the threshold at once, as before", {
    timeout: scaled(60_000),
  }, async () => {
    const { harness, runtime } = await startInstance("small");
    const threadTs = "1700400000.000100";
    await harness.event(`Ev${threadTs}`, {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> fan out 3 for the small test`,
      ts: threadTs,
      channel,
    });
    const session = await eventually(() =>
      runtime.findSession({ surface: "slack", conversationKey: `${fake.teamId}:${channel}:${threadTs}` }),
    );
    // A plan holds every spawn of the turn back, so worker rows show the batch started at once.
    await eventually(async () => (await workersOf(runtime, session.id)).length === 3, { timeoutMs: 15_000 });
    expect(plans(threadTs)).toEqual([]);
    expect(await runtime.listPendingRequests(session.id)).toEqual([]);
    await stopInstance({ harness, runtime });
  });

  it("withdraws a waiting plan when the owner stops all of the session's work", {
    timeout: scaled(60_000),
  }, async () => {
    const { harness, runtime } = await startInstance("stop");
    const threadTs = "1700600000.000100";
    const { plan, sessionId } = await mention(harness, runtime, threadTs, "fan out 4 for the stop test");
    await runtime.handle({ type: "cancel", sessionId, userId: owner });
    await fake.waitFor(() => JSON.stringify(plan.blocks).includes("Withdrawn"), 10_000);
    expect(findButton(plan.blocks, actionIds.planStart)).toBeUndefined();
    expect(await runtime.listPendingRequests(sessionId)).toEqual([]);
    const told = await eventually(() =>
      llm.requests.find(
        (request) =>
          isSupervisorRequest(request) &&
          request.lastToolResults.some((result) => result.content.includes("stopped the session's work")),
      ),
    );
    expect(told.lastToolResults).toHaveLength(4);
    expect(await workersOf(runtime, sessionId)).toEqual([]);
    await stopInstance({ harness, runtime });
  });

  it("keeps a waiting plan across a restart, and Start on the new instance starts the workers", {
    timeout: scaled(60_000),
  }, async () => {
    const first = await startInstance("before-restart");
    const threadTs = "1700500000.000100";
    const { plan, sessionId } = await mention(
      first.harness,
      first.runtime,
      threadTs,
      "fan out 4 for the restart test",
    );
    await stopInstance(first);

    const second = await startInstance("after-restart");
    const pending = await second.runtime.listPendingRequests(sessionId);
    expect(pending.map((request) => request.kind)).toEqual(["plan"]);
    expect(await workersOf(second.runtime, sessionId)).toEqual([]);
    await click(second.harness, owner, actionIds.planStart, plan, threadTs);
    await eventually(async () => (await workersOf(second.runtime, sessionId)).length === 4, {
      timeoutMs: 15_000,
    });
    // The plan was posted once and edited in place; never posted again by the new instance.
    expect(
      fake
        .callsTo("chat.postMessage")
        .filter((call) => call.params.thread_ts === threadTs && String(call.params.text).startsWith("Plan")),
    ).toHaveLength(1);
    await stopInstance(second);
  });
});
