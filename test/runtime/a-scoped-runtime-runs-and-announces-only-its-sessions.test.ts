import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentsToSweep } from "../../src/adapters/database/agent-sweeps.ts";
import { getAgent } from "../../src/adapters/database/agents.ts";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { listAllPendingRequests } from "../../src/adapters/database/requests.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import type { SurfaceEvent } from "../../src/runtime/surface-port.ts";
import { type FakeLlmServer, startFakeLlmServer, textResponse } from "../fakes/fake-llm-server.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";
import { startTestRuntime } from "../helpers/runtime-harness.ts";
import { waitUntil } from "../helpers/runtime-processes.ts";
import { seedWaitingSession } from "../helpers/waiting-sessions.ts";

const mine = { surface: "terminal", conversationKey: "host:me:default" };

describe.each(backends)("a scoped runtime on %s", (backend) => {
  let handle: DatabaseHandle;
  let server: FakeLlmServer;
  const runtimes: Runtime[] = [];

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
    server = await startFakeLlmServer({
      responder: (request) => textResponse(`Answering: ${request.lastUserText}`),
    });
  });
  afterAll(async () => {
    for (const runtime of runtimes) await runtime.stop();
    await handle?.close();
    await server?.close();
  });

  it("sweeps and lists only its sessions' agents and requests", async () => {
    const slack = await seedWaitingSession(
      handle.db,
      { surface: "slack", conversationKey: "T1:C1:1.0" },
      "SLACK",
    );
    const other = await seedWaitingSession(
      handle.db,
      { surface: "terminal", conversationKey: "host:other:default" },
      "OTHER",
    );
    const own = await seedWaitingSession(handle.db, mine, "MINE");
    expect(await agentsToSweep(handle.db, 50, mine)).toEqual([own.supervisorId]);
    expect((await agentsToSweep(handle.db, 50, { surface: "terminal" })).sort()).toEqual(
      [other.supervisorId, own.supervisorId].sort(),
    );
    expect(await agentsToSweep(handle.db, 50, { surface: "slack" })).toEqual([slack.supervisorId]);
    expect(await agentsToSweep(handle.db, 50)).toHaveLength(3);
    expect((await listAllPendingRequests(handle.db, 50, mine)).map((row) => row.id)).toEqual([own.requestId]);
    expect((await listAllPendingRequests(handle.db, 50)).map((row) => row.id)).toHaveLength(3);

    // A chat's runtime: only its own conversation is announced and run.
    const chatEvents: SurfaceEvent[] = [];
    runtimes.push(
      await startTestRuntime({
        handle,
        anthropicBaseUrl: server.anthropicBaseUrl,
        scope: mine,
        beforeStart: (runtime) => runtime.subscribe((event) => void chatEvents.push(event)),
      }),
    );
    await waitUntil(() => chatEvents.some((event) => event.type === "reply-completed"), {
      message: () => JSON.stringify(chatEvents),
    });
    // Several sweeps (every 300 ms here) go by.
    await sleep(1_200);
    expect(chatEvents.every((event) => event.sessionId === own.sessionId)).toBe(true);
    expect(
      chatEvents.flatMap((event) => (event.type === "question-asked" ? [event.request.prompt] : [])),
    ).toEqual(["MINE question?"]);
    expect(server.requests.map((request) => request.lastUserText)).toEqual([
      expect.stringContaining("MINE message"),
    ]);

    // The Slack app's runtime: Slack sessions only, never a chat's.
    const slackEvents: SurfaceEvent[] = [];
    runtimes.push(
      await startTestRuntime({
        handle,
        anthropicBaseUrl: server.anthropicBaseUrl,
        scope: { surface: "slack" },
        instanceId: "slack-instance",
        beforeStart: (runtime) => runtime.subscribe((event) => void slackEvents.push(event)),
      }),
    );
    await waitUntil(() => slackEvents.some((event) => event.type === "reply-completed"));
    await sleep(1_200);
    expect(slackEvents.every((event) => event.sessionId === slack.sessionId)).toBe(true);
    expect(server.requests.map((request) => request.lastUserText)).toEqual([
      expect.stringContaining("MINE message"),
      expect.stringContaining("SLACK message"),
    ]);
    // The other chat's conversation waits for its own process, untouched.
    const untouched = await getAgent(handle.db, other.supervisorId);
    expect(untouched).toMatchObject({ status: "queued", step: 0, leaseOwner: null });
  });

  it("ignores a queued wake-up for a session outside its scope, which its own runtime then runs", async () => {
    const slackRuntime = runtimes[1];
    const chatRuntime = runtimes[0];
    if (!slackRuntime || !chatRuntime) throw new Error("the first test starts both runtimes");
    const before = server.requests.length;
    // The Slack runtime accepts the chat's message (as a shared Postgres would let it) and wakes
    // the supervisor; the wake-up reaches the Slack runtime first, which must leave it alone.
    const chatEvents: SurfaceEvent[] = [];
    chatRuntime.subscribe((event) => void chatEvents.push(event));
    await slackRuntime.handle({ type: "user-message", key: mine, userId: "U0OWNER", text: "MINE again" });
    await waitUntil(() => chatEvents.some((event) => event.type === "reply-completed"), {
      message: () => JSON.stringify(chatEvents),
    });
    expect(server.requests.slice(before).map((request) => request.lastUserText)).toEqual([
      expect.stringContaining("MINE again"),
    ]);
  });
});
