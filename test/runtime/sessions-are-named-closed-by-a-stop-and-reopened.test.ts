import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import {
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { createGate } from "../helpers/runtime-gate.ts";
import { isSupervisorRequest, startTestRuntime } from "../helpers/runtime-harness.ts";

describe.each(backends)("session titles and closing on %s", (backend) => {
  let handle: DatabaseHandle;
  let server: FakeLlmServer;
  let runtime: Runtime;
  const workerGate = createGate();

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
    server = await startFakeLlmServer();
    runtime = await startTestRuntime({ handle, anthropicBaseUrl: server.anthropicBaseUrl });
  });
  afterAll(async () => {
    workerGate.open();
    await runtime?.stop();
    await handle?.close();
    await server?.close();
  });

  it("titles the session when the supervisor names the task, and keeps a person's rename", async () => {
    server.respondWith((request) => {
      if (request.lastToolResults.length > 0) return textResponse("On it.");
      return toolCallResponse([{ name: "name_session", input: { title: "Fix the\nflaky   queue tests" } }]);
    });
    const surface = createMemorySurface(runtime);
    const owner = "user-1";
    await surface.send("the queue tests are flaky, please fix them");
    const titled = await surface.waitFor((event) => event.type === "session-titled");
    expect(titled).toMatchObject({ type: "session-titled", title: "Fix the flaky queue tests" });
    await surface.waitFor((event) => event.type === "session-idle");
    const sessionId = surface.sessionId() ?? "";
    expect((await runtime.getSession(sessionId))?.title).toBe("Fix the flaky queue tests");
    const [request] = server.requests.filter(isSupervisorRequest);
    expect(request?.toolNames).toContain("name_session");

    const outcome = await runtime.handle({
      type: "rename-session",
      sessionId,
      userId: owner,
      title: "Queue flakes xoxb-123456789012-1234567890123-abcdefghijklmnopqrstuvwx",
    });
    expect(outcome).toEqual({ type: "session-renamed", sessionId, title: "Queue flakes [REDACTED]" });
    expect((await runtime.getSession(sessionId))?.title).toBe("Queue flakes [REDACTED]");
    // An empty title changes nothing.
    await runtime.handle({ type: "rename-session", sessionId, userId: owner, title: " \n " });
    expect((await runtime.getSession(sessionId))?.title).toBe("Queue flakes [REDACTED]");
    surface.close();
  });

  it("closes a session when its owner stops all its work, and a message opens it again", async () => {
    server.respondWith(async (request) => {
      if (!isSupervisorRequest(request)) {
        await workerGate.wait();
        return textResponse("done");
      }
      if (request.lastUserText.includes("start")) {
        return toolCallResponse([
          { name: "spawn_agent", input: { title: "Long job", brief: "work a while" } },
        ]);
      }
      return textResponse("Noted.");
    });
    const surface = createMemorySurface(runtime, { userId: "owner-2" });
    await surface.send("start the long job");
    await surface.waitFor((event) => event.type === "agent-started");
    const sessionId = surface.sessionId() ?? "";
    expect((await runtime.getSession(sessionId))?.status).toBe("active");

    // Someone else's Stop all changes nothing.
    await runtime.handle({ type: "cancel", sessionId, userId: "someone-else" });
    expect((await runtime.getSession(sessionId))?.status).toBe("active");

    const stopped = await runtime.handle({ type: "cancel", sessionId, userId: "owner-2" });
    expect(stopped).toMatchObject({ type: "cancelled", agentIds: [expect.any(String)] });
    expect((await runtime.getSession(sessionId))?.status).toBe("closed");
    await surface.waitFor((event) => event.type === "agent-cancelled");

    await surface.send("what happened?", "owner-2");
    expect((await runtime.getSession(sessionId))?.status).toBe("active");
    surface.close();
  });
});
