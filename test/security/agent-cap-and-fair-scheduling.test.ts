import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import {
  type FakeLlmServer,
  type FakeToolResult,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { createGate, type Gate } from "../helpers/runtime-gate.ts";
import { briefOf, isSupervisorRequest, startTestRuntime, testConfig } from "../helpers/runtime-harness.ts";
import { waitUntil } from "../helpers/runtime-processes.ts";

// The attacker asks for 40 sub-agents in one turn; the session may have 6 live ones, and
// the deployment runs 3 workers at once. Another user's single worker must not wait behind
// the attacker's queue.
describe.each(backends)("agent cap and fair scheduling on %s", (backend) => {
  let handle: DatabaseHandle;
  let server: FakeLlmServer;
  let runtime: Runtime;
  const gates = new Map<string, Gate>();
  const gate = (name: string): Gate => {
    const existing = gates.get(name);
    if (existing) return existing;
    const created = createGate();
    gates.set(name, created);
    return created;
  };
  const started: string[] = [];
  let revived = false;
  const revival: FakeToolResult[] = [];

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
    server = await startFakeLlmServer();
    runtime = await startTestRuntime({
      handle,
      anthropicBaseUrl: server.anthropicBaseUrl,
      config: testConfig({ maxAgentsPerSession: 6, maxConcurrentAgents: 3 }),
    });
    runtime.subscribe((event) => {
      if (event.type === "agent-started") started.push(event.agent.title);
    });
    server.respondWith(async (request) => {
      if (isSupervisorRequest(request)) {
        if (revived && request.lastToolResults.length === 2 && revival.length === 0) {
          revival.push(...request.lastToolResults);
        }
        // After its first worker finishes, the attacker fills the freed place and then tries
        // to revive the finished worker past the cap.
        const finished = /agent "A \d+" \((\S+)\) finished/.exec(request.lastUserText);
        if (finished && !revived) {
          revived = true;
          return toolCallResponse([
            { name: "spawn_agent", input: { title: "A extra", brief: "held A extra" } },
            { name: "message_agent", input: { agent_id: finished[1], text: "one more thing" } },
          ]);
        }
        if (request.turnIndex > 0) return textResponse("OK.");
        const label = request.lastUserText.includes("forty") ? "A" : "B";
        const count = label === "A" ? 40 : 1;
        return toolCallResponse(
          Array.from({ length: count }, (_, index) => ({
            name: "spawn_agent",
            input: { title: `${label} ${index}`, brief: `held ${label} ${index}` },
          })),
        );
      }
      const title = briefOf(request).replace("held ", "");
      await gate(title).wait();
      return toolCallResponse([{ name: "finish", input: { summary: `${title} finished` } }]);
    });
  });
  afterAll(async () => {
    for (const each of gates.values()) each.open();
    await runtime?.stop();
    await handle?.close();
    await server?.close();
  });

  it("gives a session asking for 40 agents the maximum, and another session's worker goes first", async () => {
    const attacker = createMemorySurface(runtime, { userId: "attacker" });
    await attacker.send("spawn forty helpers");
    await attacker.waitFor((event) => event.type === "reply-completed");
    const attackerSession = attacker.sessionId() ?? "";
    const workers = async (sessionId: string) =>
      (await runtime.listAgents(sessionId)).filter((agent) => agent.role === "worker");
    expect(await workers(attackerSession)).toHaveLength(6);
    const results = server.requests
      .filter((request) => isSupervisorRequest(request) && request.turnIndex === 1)
      .flatMap((request) => request.lastToolResults);
    const refusals = results.filter((result) => result.isError);
    expect(refusals).toHaveLength(34);
    expect(refusals[0]?.content).toContain(
      "This session already has 6 sub-agents running or queued, the maximum (6); wait for one to finish or cancel one.",
    );
    await waitUntil(async () => started.length === 3);
    const statuses = (await workers(attackerSession)).map((agent) => agent.status).sort();
    expect(statuses).toEqual(["queued", "queued", "queued", "running", "running", "running"]);

    const other = createMemorySurface(runtime, { userId: "someone-else" });
    await other.send("spawn one helper");
    await other.waitFor((event) => event.type === "reply-completed");
    const otherSession = other.sessionId() ?? "";
    expect((await workers(otherSession)).map((agent) => agent.status)).toEqual(["queued"]);

    // One of the attacker's running workers ends: the free slot goes to the other session.
    gate(started[0] ?? "").open();
    await waitUntil(async () => started.length === 4);
    expect(started[3]).toBe("B 0");

    await waitUntil(async () => revival.length === 2);
    expect(revival[0]).toMatchObject({ isError: false });
    expect(revival[1]).toMatchObject({
      isError: true,
      content: expect.stringContaining("already has 6 sub-agents running or queued, the maximum (6)"),
    });

    for (const name of ["A 0", "A 1", "A 2", "A 3", "A 4", "A 5", "A extra", "B 0"]) gate(name).open();
    await waitUntil(async () =>
      [...(await workers(attackerSession)), ...(await workers(otherSession))].every(
        (agent) => agent.status === "done",
      ),
    );
    expect(started).toHaveLength(8);
    attacker.close();
    other.close();
  });
});
