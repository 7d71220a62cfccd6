import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { listThreadMessages } from "../../src/adapters/database/thread-messages.ts";
import { historyUnavailableNote } from "../../src/domain/prompts/event-text.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import type { SurfaceInput } from "../../src/runtime/surface-port.ts";
import { createDatabaseSlackStore } from "../../src/surfaces/slack/database-slack-store.ts";
import { type FakeLlmServer, startFakeLlmServer, textResponse } from "../fakes/fake-llm-server.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { createTestRuntime, isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { scaled } from "../helpers/time-scale.ts";
import { channel, type Harness, startHarness } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";

const owner = "U0OWNER";

/** Every call to conversations.replies for the thread, whatever Slack answered. */
function historyCalls(fake: FakeSlackServer, threadTs: string) {
  return fake.calls.filter((call) => call.method === "conversations.replies" && call.params.ts === threadTs);
}

/** The text of every message the model was sent, for one request. */
const promptText = (request: { messages: { text: string }[] }) =>
  request.messages.map((message) => message.text).join("\n");

describe("thread history under Slack's history limits", () => {
  let handle: DatabaseHandle;
  let llm: FakeLlmServer;
  let fake: FakeSlackServer;
  const running: { runtime: Runtime; harness: Harness }[] = [];

  async function startApp() {
    const runtime = createTestRuntime({ handle, anthropicBaseUrl: llm.anthropicBaseUrl });
    const harness = await startHarness({ runtime, fake, store: createDatabaseSlackStore(handle.db) });
    await runtime.start();
    const app = { runtime, harness };
    running.push(app);
    return app;
  }

  async function stopApp(app: { runtime: Runtime; harness: Harness }) {
    running.splice(running.indexOf(app), 1);
    await app.harness.stop();
    await app.runtime.stop();
  }

  /** The supervisor's reply has reached the thread. */
  const answered = (threadTs: string, text: string) =>
    fake.waitFor(
      () => fake.threadMessages(channel, threadTs).find((message) => message.text.includes(text)),
      15_000,
    );

  beforeAll(async () => {
    handle = await createTestDatabase("postgres");
    llm = await startFakeLlmServer();
    llm.respondWith((request) => {
      if (!isSupervisorRequest(request)) return textResponse("done");
      return textResponse(request.lastUserText.includes("arm64") ? "Noted the runner." : "Looking into it.");
    });
  });
  afterEach(async () => {
    for (const app of [...running]) await stopApp(app);
    await fake?.close();
  });
  afterAll(async () => {
    await llm?.close();
    await handle?.close();
  });

  function threadWithHistory(threadTs: string, topic: string) {
    fake.addUser({ id: "U0ALICE", name: "alice" });
    fake.addUser({ id: "U0BOB", name: "bob" });
    fake.setThread(channel, threadTs, [
      { user: "U0ALICE", text: `${topic} since Monday`, ts: threadTs },
      {
        user: "U0BOB",
        text: `${topic}: it started after the upgrade`,
        ts: `${threadTs.slice(0, -1)}2`,
        thread_ts: threadTs,
      },
    ]);
  }

  const mention = (app: { harness: Harness }, eventId: string, threadTs: string, ts: string) =>
    app.harness.event(eventId, {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> can you look?`,
      ts,
      thread_ts: threadTs,
      channel,
    });

  it("a session continues after a restart without reading thread history again", {
    timeout: scaled(60_000),
  }, async () => {
    fake = await FakeSlackServer.start();
    fake.limitHistoryLikeANonMarketplaceApp();
    const threadTs = "1700020000.000100";
    threadWithHistory(threadTs, "Deploys to staging hang");

    const first = await startApp();
    await mention(first, "EvStart", threadTs, "1700020000.000300");
    await answered(threadTs, "Looking into it.");
    // A reply to someone else starts no turn, and is kept with the session all the same.
    await first.harness.event("EvAside", {
      type: "message",
      user: "U0BOB",
      text: "<@U0ALICE> did you restart it?",
      ts: "1700020000.000400",
      thread_ts: threadTs,
      channel,
    });
    const place = { teamId: fake.teamId, enterpriseId: undefined, channel, threadTs };
    await expect
      .poll(async () => (await listThreadMessages(handle.db, place)).map((message) => message.ts), {
        timeout: scaled(10_000),
      })
      .toEqual(["1700020000.000100", "1700020000.000102", "1700020000.000300", "1700020000.000400"]);
    await stopApp(first);

    const second = await startApp();
    await second.harness.event("EvContinue", {
      type: "message",
      user: owner,
      text: "it is the arm64 runner",
      ts: "1700020000.000500",
      thread_ts: threadTs,
      channel,
    });
    await answered(threadTs, "Noted the runner.");
    // Then a mention in the same thread, as someone joining later would write.
    await mention(second, "EvMentionAgain", threadTs, "1700020000.000600");
    await fake.waitFor(() => llm.requests.filter(isSupervisorRequest).length >= 3, 15_000);

    expect(historyCalls(fake, threadTs)).toHaveLength(1);
    expect(historyCalls(fake, threadTs)[0]?.status).toBe(200);
    const continued = llm.requests
      .filter(isSupervisorRequest)
      .find((request) => request.lastUserText.includes("arm64"));
    const seen = promptText(continued ?? { messages: [] });
    expect(seen).toContain("Deploys to staging hang since Monday");
    expect(seen).toContain("it started after the upgrade");
    expect(seen).toContain("did you restart it?");
  });

  it("with the history limit used up, a second thread's session answers at once and the model is told", {
    timeout: scaled(60_000),
  }, async () => {
    fake = await FakeSlackServer.start();
    fake.limitHistoryLikeANonMarketplaceApp();
    const firstThread = "1700030000.000100";
    const secondThread = "1700031000.000100";
    threadWithHistory(firstThread, "The nightly build fails");
    threadWithHistory(secondThread, "Logins time out");

    const app = await startApp();
    await mention(app, "EvFirst", firstThread, "1700030000.000300");
    await answered(firstThread, "Looking into it.");

    await mention(app, "EvSecond", secondThread, "1700031000.000300");
    await answered(secondThread, "Looking into it.");
    // Slack asked for a minute's wait: the session neither called again nor waited it out.
    const limited = historyCalls(fake, secondThread);
    expect(limited.map((call) => call.status)).toEqual([429]);
    const reply = fake.calls.find(
      (call) =>
        (call.method === "chat.postMessage" || call.method === "chat.startStream") &&
        call.params.thread_ts === secondThread &&
        call.at > (limited[0]?.at ?? 0),
    );
    expect(reply).toBeDefined();
    expect((reply?.at ?? 0) - (limited[0]?.at ?? 0)).toBeLessThan(60_000);

    // The model is told, once, and has none of the earlier messages it could not be given.
    const supervisorRequests = llm.requests.filter(isSupervisorRequest);
    const told = supervisorRequests.filter((item) => item.lastUserText.includes(historyUnavailableNote));
    expect(told).toHaveLength(1);
    for (const item of supervisorRequests) expect(promptText(item)).not.toContain("Logins time out");
    // The note is for the model: nothing in the thread says it.
    for (const message of fake.threadMessages(channel, secondThread)) {
      expect(message.text).not.toContain("could not all be read");
    }
  });
});

describe("a mention sent again after the runtime could not take it", () => {
  it("reads the thread's history once and hands the kept messages on", async () => {
    const fake = await FakeSlackServer.start();
    fake.addUser({ id: "U0ALICE", name: "alice" });
    const threadTs = "1700040000.000100";
    fake.setThread(channel, threadTs, [{ user: "U0ALICE", text: "The cache is stale", ts: threadTs }]);
    const runtime = new ScriptedRuntime();
    const handle = runtime.handle.bind(runtime);
    let refusals = 1;
    runtime.handle = async (input) => {
      if (refusals-- > 0) throw new Error("database unreachable");
      return handle(input);
    };
    const harness = await startHarness({ runtime, fake });
    const mentionAt = (eventId: string, ts: string) =>
      harness.event(eventId, {
        type: "app_mention",
        user: owner,
        text: `<@${fake.botUserId}> why?`,
        ts,
        thread_ts: threadTs,
        channel,
      });
    await mentionAt("EvRefused", "1700040000.000200");
    await fake.waitFor(() =>
      fake.threadMessages(channel, threadTs).find((message) => message.text.includes("could not take")),
    );
    await mentionAt("EvAgain", "1700040000.000300");
    const accepted = await fake.waitFor(() => runtime.inputs.at(0));
    expect(historyCalls(fake, threadTs)).toHaveLength(1);
    expect((accepted as Extract<SurfaceInput, { type: "user-message" }>).history).toEqual([
      { author: "alice", userId: "U0ALICE", text: "The cache is stale" },
    ]);
    await harness.stop();
    await fake.close();
  });
});

describe("a thread longer than one page under the history limit", () => {
  it("keeps the page it got and tells the model the rest is missing", async () => {
    const fake = await FakeSlackServer.start();
    fake.limitHistoryLikeANonMarketplaceApp();
    fake.addUser({ id: "U0ALICE", name: "alice" });
    const threadTs = "1700060000.000100";
    const earlier = Array.from({ length: 20 }, (_, index) => ({
      user: "U0ALICE",
      text: `note ${index + 1}`,
      ts: `1700060000.${String(100 + index).padStart(6, "0")}`,
      thread_ts: threadTs,
    }));
    fake.setThread(channel, threadTs, earlier);
    const runtime = new ScriptedRuntime();
    const harness = await startHarness({ runtime, fake });
    await harness.event("EvLong", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> sum it up`,
      ts: "1700060000.000900",
      thread_ts: threadTs,
      channel,
    });
    const input = (await fake.waitFor(() => runtime.inputs.at(0))) as Extract<
      SurfaceInput,
      { type: "user-message" }
    >;
    expect(historyCalls(fake, threadTs).map((call) => call.status)).toEqual([200, 429]);
    expect(input.history?.map((entry) => entry.text)).toEqual(earlier.slice(0, 15).map((item) => item.text));
    expect(input.historyUnavailable).toBe(true);
    await harness.stop();
    await fake.close();
  });
});

describe("an edit in a thread that has a session", () => {
  it("changes the kept message and starts no turn", async () => {
    const fake = await FakeSlackServer.start();
    const runtime = new ScriptedRuntime();
    const harness = await startHarness({ runtime, fake });
    const threadTs = "1700050000.000100";
    await harness.event("EvEditStart", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> deploy it`,
      ts: threadTs,
      channel,
    });
    await fake.waitFor(() => runtime.sessions.size === 1);
    await harness.event("EvEditReply", {
      type: "message",
      user: owner,
      text: "to staging",
      ts: "1700050000.000200",
      thread_ts: threadTs,
      channel,
    });
    await fake.waitFor(() => runtime.inputs.length === 2);
    await harness.event("EvEdited", {
      type: "message",
      subtype: "message_changed",
      channel,
      message: {
        type: "message",
        user: owner,
        text: "to production",
        ts: "1700050000.000200",
        thread_ts: threadTs,
      },
      ts: "1700050000.000300",
    });
    const place = { teamId: fake.teamId, enterpriseId: undefined, channel, threadTs };
    await expect
      .poll(async () => (await harness.store.threadMessages(place)).map((message) => message.text), {
        timeout: scaled(5000),
      })
      .toEqual(["deploy it", "to production"]);
    expect(runtime.inputs).toHaveLength(2);
    await harness.stop();
    await fake.close();
  });
});
