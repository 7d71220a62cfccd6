import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import type { SurfaceEvent } from "../../src/runtime/surface-port.ts";
import { type FakeLlmServer, startFakeLlmServer } from "../fakes/fake-llm-server.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { startTestRuntime, testConfig } from "../helpers/runtime-harness.ts";
import { appendLineTool, userText, workloadResponder } from "../helpers/runtime-workload.ts";

const tokensPerTurn = 1000;
const budgetTokens = 5000;

describe.each(backends)("session budget on %s", (backend) => {
  let handle: DatabaseHandle;
  let server: FakeLlmServer;
  let runtime: Runtime;

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
    server = await startFakeLlmServer();
    const workload = workloadResponder({ workers: 1, toolTurns: 6 });
    // Every turn costs exactly 1,000 tokens, so the budget is reached after five turns.
    server.respondWith(async (request) => ({
      ...(await workload(request)),
      usage: { inputTokens: tokensPerTurn - 100, outputTokens: 100, cacheReadTokens: 0, cacheWriteTokens: 0 },
    }));
    runtime = await startTestRuntime({
      handle,
      anthropicBaseUrl: server.anthropicBaseUrl,
      config: testConfig({ sessionBudgetTokens: budgetTokens }),
      workerTools: [appendLineTool("/dev/null", "test")],
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    await handle?.close();
    await server?.close();
  });

  it("pauses at the budget, asks, and resumes when the owner extends it", async () => {
    const surface = createMemorySurface(runtime, { userId: "owner" });
    await surface.send(userText(1));
    const reached = await surface.waitFor((event) => event.type === "budget-reached");
    const sessionId = surface.sessionId() ?? "";
    const sessionRequests = () =>
      server.requests.filter(
        (request) =>
          request.messages[0]?.text.includes("s1") || request.messages[0]?.text.includes("session 1"),
      ).length;
    const atPause = sessionRequests();
    // Concurrent agents may each start one turn at the edge, never more.
    expect(atPause).toBeGreaterThanOrEqual(budgetTokens / tokensPerTurn);
    expect(atPause).toBeLessThanOrEqual(budgetTokens / tokensPerTurn + 1);
    await delay(400);
    expect(sessionRequests()).toBe(atPause);
    expect((await runtime.listAgents(sessionId)).some((agent) => agent.status === "waiting")).toBe(true);
    expect(reached.request.choices).toEqual(["extend", "stop"]);

    expect(await surface.decideBudget(reached.request.id, "extend", "stranger")).toMatchObject({
      ok: false,
      reason: "not_authorized",
    });
    let extensions = 0;
    let request = reached.request;
    for (;;) {
      expect((await surface.decideBudget(request.id, "extend", "owner")).ok).toBe(true);
      extensions += 1;
      const seen = surface.events.length;
      const next = await surface.waitFor(
        (event: SurfaceEvent) =>
          event.type === "budget-reached" ||
          (event.type === "reply-completed" && event.text.startsWith("Summary")),
        { after: seen },
      );
      if (next.type !== "budget-reached") break;
      request = next.request;
    }
    expect(extensions).toBeGreaterThanOrEqual(1);
    const agents = await runtime.listAgents(sessionId);
    expect(agents.find((agent) => agent.role === "worker")?.status).toBe("done");
    expect(sessionRequests()).toBeGreaterThan(atPause);
    const decided = await runtime.getRequest(reached.request.id);
    expect(decided).toMatchObject({ status: "extended", decidedBy: "owner" });
    surface.close();
  });

  it("stops the session's agents when the owner says stop", async () => {
    const surface = createMemorySurface(runtime, { userId: "owner" });
    await surface.send(userText(2));
    const reached = await surface.waitFor((event) => event.type === "budget-reached");
    const sessionId = surface.sessionId() ?? "";
    expect((await surface.decideBudget(reached.request.id, "stop", "owner")).ok).toBe(true);
    await surface.waitFor((event) => event.type === "agent-cancelled");
    await surface.waitFor((event) => event.type === "session-idle", { after: surface.events.length - 1 });
    const before = server.requests.length;
    await delay(400);
    expect(server.requests.length).toBe(before);
    const agents = await runtime.listAgents(sessionId);
    expect(agents.find((agent) => agent.role === "worker")?.status).toBe("cancelled");
    expect(await runtime.listPendingRequests(sessionId)).toEqual([]);
    surface.close();
  });
});
