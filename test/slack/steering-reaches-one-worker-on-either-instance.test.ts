import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { pendingEventsFor } from "../../src/adapters/database/events.ts";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { events } from "../../src/adapters/database/schema.ts";
import { defineTool } from "../../src/domain/tool.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { createDatabaseSlackStore } from "../../src/surfaces/slack/database-slack-store.ts";
import {
  type FakeLlmRequest,
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { eventually } from "../helpers/eventually.ts";
import { briefOf, createTestRuntime, isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { sleep } from "../helpers/sleep.ts";
import { findButtonFor, submitSteerModal } from "../helpers/steer-modal.ts";
import { supervisorSettled } from "../helpers/supervisor-settled.ts";
import { scaled } from "../helpers/time-scale.ts";
import { channel, type Harness, startHarness } from "./support/harness.ts";

const owner = "U0OWNER";
const stranger = "U0STRANGER";
const names = ["alpha", "beta", "gamma"] as const;

/** Each worker's one slow step waits for the test; it says which instance ran it. */
const gates = new Map<string, () => void>();
const waiting = new Map<string, Promise<void>>();
for (const name of names) waiting.set(name, new Promise<void>((resolve) => gates.set(name, resolve)));
const runs: { name: string; instance: string }[] = [];

function slowStep(instance: string) {
  return defineTool({
    name: "slow_step",
    description: "A step that takes a while.",
    input: z.object({ name: z.string() }),
    risk: "safe",
    async execute(input) {
      runs.push({ name: input.name, instance });
      await waiting.get(input.name);
      return `slow step of ${input.name} done on ${instance}`;
    },
  });
}

function respond(server: FakeLlmServer): void {
  server.respondWith((request) => {
    if (isSupervisorRequest(request)) {
      if (request.turnIndex === 0 && request.lastUserText.includes("three workers")) {
        return toolCallResponse(
          names.map((name) => ({
            name: "spawn_agent",
            input: { title: name[0]?.toUpperCase() + name.slice(1), brief: `work: ${name}` },
          })),
        );
      }
      if (request.lastToolResults.length > 0) return textResponse("Started three agents.");
      return textResponse("Noted.");
    }
    const name = briefOf(request).replace("work: ", "");
    if (request.turnIndex === 0) return toolCallResponse([{ name: "slow_step", input: { name } }]);
    return toolCallResponse([{ name: "finish", input: { summary: `${name} done` } }]);
  });
}

describe("steering one worker from Slack, two instances on one database (postgres)", () => {
  let handle: DatabaseHandle;
  let llm: FakeLlmServer;
  let fake: FakeSlackServer;
  const instances: { name: string; runtime: Runtime; harness: Harness }[] = [];

  async function startInstance(name: string) {
    const runtime = createTestRuntime({
      handle,
      anthropicBaseUrl: llm.anthropicBaseUrl,
      instanceId: name,
      workerTools: [slowStep(name)],
    });
    const harness = await startHarness({ runtime, fake, store: createDatabaseSlackStore(handle.db) });
    await runtime.start();
    instances.push({ name, runtime, harness });
    return { runtime, harness };
  }

  beforeAll(async () => {
    handle = await createTestDatabase("postgres");
    llm = await startFakeLlmServer();
    respond(llm);
    fake = await FakeSlackServer.start();
    fake.addUser({ id: owner, name: "olivia" });
    fake.addUser({ id: stranger, name: "sam" });
    fake.addUser({ id: "U0BOB", name: "bob" });
    await startInstance("east");
    await startInstance("west");
  });
  afterAll(async () => {
    for (const release of gates.values()) release();
    for (const { harness, runtime } of instances) {
      await harness.stop();
      await runtime.stop();
    }
    await fake?.close();
    await llm?.close();
    await handle?.close();
  });

  const ephemeralTo = (user: string, threadTs: string, after: number) =>
    fake
      .callsTo("chat.postEphemeral")
      .slice(after)
      .find((call) => call.params.user === user && call.params.thread_ts === threadTs);
  const workerRequests = (name: string) =>
    llm.requests.filter((request) => !isSupervisorRequest(request) && briefOf(request) === `work: ${name}`);
  const everyText = (request: FakeLlmRequest) => JSON.stringify(request.messages);

  it("delivers a thread reply and a crew board steer to that worker only, after its tool call, on the other instance; a stranger is refused", {
    timeout: scaled(60_000),
  }, async () => {
    const [east, west] = instances;
    if (!east || !west) throw new Error("two instances");
    const threadTs = "1700090000.000100";
    await east.harness.event("EvSteerStart", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> three workers please`,
      ts: threadTs,
      channel,
    });
    await eventually(() => runs.length === 3, { message: () => JSON.stringify(runs) });
    const session = await east.runtime.findSession({
      surface: "slack",
      conversationKey: `${fake.teamId}:${channel}:${threadTs}`,
    });
    const sessionId = session?.id ?? "";
    const workers = (await east.runtime.listAgents(sessionId)).filter((agent) => agent.role === "worker");
    expect(workers.map((agent) => agent.title)).toEqual(["Alpha", "Beta", "Gamma"]);
    const [, beta, gamma] = workers;
    // The steer arrives on the instance that does not run worker 2.
    const runsBeta = runs.find((run) => run.name === "beta")?.instance;
    const other = runsBeta === "east" ? west : east;

    const reply = (eventId: string, user: string, text: string, ts: string) =>
      other.harness.event(eventId, {
        type: "message",
        channel_type: "channel",
        user,
        text,
        ts,
        thread_ts: threadTs,
        channel,
      });

    let ephemerals = fake.callsTo("chat.postEphemeral").length;
    await reply("EvSteerStranger", stranger, "2: delete the whole database", "1700090000.000200");
    const refusal = await fake.waitFor(() => ephemeralTo(stranger, threadTs, ephemerals));
    expect(String(refusal.params.text)).toContain("Only the person who started this session");

    ephemerals = fake.callsTo("chat.postEphemeral").length;
    await reply("EvSteerOwner", owner, "2: use the v2 API", "1700090000.000300");
    const sent = await fake.waitFor(() => ephemeralTo(owner, threadTs, ephemerals));
    expect(String(sent.params.text)).toContain("Sent to #2 *Beta*");
    // Durable in worker 2's mailbox, unread while its tool call is still in flight.
    const mailbox = await pendingEventsFor(handle.db, beta?.id ?? "");
    expect(mailbox.map((event) => [event.type, event.payload.text])).toEqual([["steer", "use the v2 API"]]);
    expect(workerRequests("beta")).toHaveLength(1);

    // The crew board's Steer button opens a modal for worker 3.
    const board = await fake.waitFor(() =>
      fake
        .threadMessages(channel, threadTs)
        .find(
          (message) =>
            message.text.startsWith("Crew:") &&
            findButtonFor(message.blocks, actionIds.steerAgent, gamma?.id ?? ""),
        ),
    );
    const steerGamma = findButtonFor(board.blocks, actionIds.steerAgent, gamma?.id ?? "");
    const opened = fake.callsTo("views.open").length;
    await other.harness.click({
      user: owner,
      actionId: steerGamma?.action_id ?? "",
      value: steerGamma?.value ?? "",
      messageTs: board.ts,
      threadTs,
    });
    const modal = await fake.waitFor(() => fake.callsTo("views.open")[opened]);
    const view = modal.params.view as {
      callback_id: string;
      private_metadata: string;
      title: { text: string };
    };
    expect(view.title.text).toBe("Steer agent #3");
    ephemerals = fake.callsTo("chat.postEphemeral").length;
    await submitSteerModal(other.harness, { user: owner, view, value: "prefer small commits" });
    const sentModal = await fake.waitFor(() => ephemeralTo(owner, threadTs, ephemerals));
    expect(String(sentModal.params.text)).toContain("Sent to #3 *Gamma*");

    for (const name of names) gates.get(name)?.();
    const betaNext = await eventually(() => workerRequests("beta")[1]);
    // After the tool call: its result first, then the owner's words, labelled and fenced.
    expect(betaNext.lastToolResults[0]?.content).toContain(`slow step of beta done on ${runsBeta}`);
    expect(betaNext.lastUserText).toContain('Message to you from "olivia" (U0OWNER), the session owner');
    expect(betaNext.lastUserText).toContain('<untrusted_data source="message from U0OWNER">\nuse the v2 API');
    const gammaNext = await eventually(() => workerRequests("gamma")[1]);
    expect(gammaNext.lastUserText).toContain("prefer small commits");
    expect(gammaNext.lastUserText).not.toContain("use the v2 API");
    const alphaNext = await eventually(() => workerRequests("alpha")[1]);
    expect(everyText(alphaNext)).not.toContain("v2 API");
    expect(everyText(alphaNext)).not.toContain("small commits");
    // Each slow step ran once, on one instance; nothing was interrupted.
    expect(runs.map((run) => run.name).sort()).toEqual([...names]);

    // The supervisor's next turn reads what was said to its workers.
    const supervisorSaw = await eventually(() =>
      llm.requests.find(
        (request) =>
          isSupervisorRequest(request) &&
          everyText(request).includes('told agent \\"Beta\\"') &&
          everyText(request).includes("prefer small commits"),
      ),
    );
    expect(everyText(supervisorSaw)).toContain("use the v2 API");
    // The stranger's words reached no model and no mailbox.
    expect(llm.requests.some((request) => everyText(request).includes("delete the whole database"))).toBe(
      false,
    );
    const stored = await handle.db.select().from(events).where(eq(events.sessionId, sessionId));
    expect(JSON.stringify(stored)).not.toContain("delete the whole database");

    // Worker 1 has finished: the words go to the supervisor, and the person is told so.
    await eventually(async () =>
      (await east.runtime.listAgents(sessionId)).some(
        (agent) => agent.title === "Alpha" && agent.status === "done",
      ),
    );
    ephemerals = fake.callsTo("chat.postEphemeral").length;
    await reply("EvSteerFinished", owner, "#1 also tag the release", "1700090000.000400");
    const redirected = await fake.waitFor(() => ephemeralTo(owner, threadTs, ephemerals));
    expect(String(redirected.params.text)).toContain(
      "#1 *Alpha* has finished, so your message went to the supervisor",
    );
    await eventually(() =>
      llm.requests.find(
        (request) =>
          isSupervisorRequest(request) &&
          request.lastUserText.includes("which had already finished") &&
          request.lastUserText.includes("also tag the release"),
      ),
    );
  });

  it("starts no turn for a reply to someone else, and reads it with the next ordinary reply", {
    timeout: scaled(30_000),
  }, async () => {
    const [east] = instances;
    if (!east) throw new Error("an instance");
    const threadTs = "1700091000.000100";
    const supervisorRequests = () =>
      llm.requests.filter(
        (request) => isSupervisorRequest(request) && everyText(request).includes("look at staging"),
      );
    const noted = () =>
      fake.threadMessages(channel, threadTs).filter((message) => message.text === "Noted.").length;
    await east.harness.event("EvAsideStart", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> look at staging`,
      ts: threadTs,
      channel,
    });
    await fake.waitFor(() => noted() === 1, 15_000);
    // The first turn is over in Slack too: its status cleared.
    await fake.waitFor(
      () =>
        fake
          .callsTo("assistant.threads.setStatus")
          .some((call) => call.params.thread_ts === threadTs && call.params.status === ""),
      15_000,
    );
    const calls = fake.calls.length;
    await east.harness.event("EvAside", {
      type: "message",
      channel_type: "channel",
      user: owner,
      text: "<@U0BOB> can you paste the staging logs here?",
      ts: "1700091000.000200",
      thread_ts: threadTs,
      channel,
    });
    const session = await east.runtime.findSession({
      surface: "slack",
      conversationKey: `${fake.teamId}:${channel}:${threadTs}`,
    });
    const supervisor = (await east.runtime.listAgents(session?.id ?? "")).find(
      (agent) => agent.role === "supervisor",
    );
    const kept = await eventually(async () => {
      const pending = await pendingEventsFor(handle.db, supervisor?.id ?? "");
      return pending.find((event) => event.type === "thread-aside");
    });
    expect(kept.payload.text).toBe("<@U0BOB> can you paste the staging logs here?");
    await sleep(scaled(300));
    // No turn, and nothing shown: no status, no message, no note.
    expect(await supervisorSettled(handle.db, session?.id ?? "")).toBe(true);
    expect(supervisorRequests()).toHaveLength(1);
    const inThread = fake.calls.slice(calls).filter((call) => JSON.stringify(call.params).includes(threadTs));
    expect(inThread.map((call) => call.method)).toEqual([]);

    await east.harness.event("EvAsideThen", {
      type: "message",
      channel_type: "channel",
      user: owner,
      text: "what do the logs say?",
      ts: "1700091000.000300",
      thread_ts: threadTs,
      channel,
    });
    await fake.waitFor(() => noted() === 2, 15_000);
    const requests = supervisorRequests();
    expect(requests).toHaveLength(2);
    expect(requests[1]?.lastUserText).toContain("addressed to other people, not to you");
    expect(requests[1]?.lastUserText).toContain("paste the staging logs");
    expect(requests[1]?.lastUserText).toContain("what do the logs say?");
  });
});
