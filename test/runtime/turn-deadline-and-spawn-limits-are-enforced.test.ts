import { describe, expect, it } from "vitest";
import { textResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import { backends } from "../helpers/database.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { createGate } from "../helpers/runtime-gate.ts";
import { briefOf, isSupervisorRequest, testConfig } from "../helpers/runtime-harness.ts";
import { waitUntil } from "../helpers/runtime-processes.ts";
import { useTestRuntime } from "../helpers/test-runtime-per-describe.ts";
import { askThenFinish, spawnWorkerForTask } from "./support/scripted-agents.ts";

describe.each(backends)("turn, deadline and spawn limits are enforced on %s", (backend) => {
  let clockOffsetMs = 0;
  const heldGate = createGate();

  const world = useTestRuntime(backend, {
    config: testConfig({ maxTurns: 4, maxAgentsPerSession: 2 }),
    clock: { now: () => new Date(Date.now() + clockOffsetMs) },
    respond: async (request) => {
      if (isSupervisorRequest(request)) {
        if (request.turnIndex === 0 && request.lastUserText.includes("trio")) {
          return toolCallResponse(
            [0, 1, 2].map((index) => ({
              name: "spawn_agent",
              input: { title: `Held ${index}`, brief: `held ${index}` },
            })),
          );
        }
        return spawnWorkerForTask(request) ?? textResponse("OK.");
      }
      const brief = briefOf(request);
      if (brief.startsWith("held")) {
        await heldGate.wait();
        return toolCallResponse([{ name: "finish", input: { summary: brief } }]);
      }
      if (brief.includes("loop")) {
        return toolCallResponse([{ name: "report_progress", input: { text: `turn ${request.turnIndex}` } }]);
      }
      return askThenFinish(request);
    },
  });

  it("fails a worker that reaches the turn limit", async () => {
    const surface = createMemorySurface(world.runtime);
    await surface.send("task: loop forever");
    const failed = await surface.waitFor((event) => event.type === "agent-failed");
    expect(failed.reason).toBe("reached the turn limit (4 turns)");
    expect(failed.agent.usage.outputTokens).toBeGreaterThan(0);
    surface.close();
  });

  it("fails a worker past its wall-clock deadline", async () => {
    const surface = createMemorySurface(world.runtime);
    await surface.send("task: slow question");
    const question = await surface.waitFor((event) => event.type === "question-asked");
    clockOffsetMs = 601_000;
    try {
      await surface.answer(question.request.id, "yes");
      const failed = await surface.waitFor((event) => event.type === "agent-failed");
      expect(failed.reason).toBe("timed out");
    } finally {
      clockOffsetMs = 0;
    }
    surface.close();
  });

  it("refuses a spawn past the session's maximum of live sub-agents; the others run", async () => {
    const { runtime, server } = world;
    const surface = createMemorySurface(runtime);
    await surface.send("task: trio");
    await surface.waitFor((event) => event.type === "reply-completed");
    const sessionId = surface.sessionId() ?? "";
    const workers = (await runtime.listAgents(sessionId)).filter((agent) => agent.role === "worker");
    expect(workers.map((agent) => agent.title).sort()).toEqual(["Held 0", "Held 1"]);
    const refusal = server.requests
      .filter(isSupervisorRequest)
      .flatMap((request) => request.lastToolResults)
      .find((result) => result.isError);
    expect(refusal?.content).toContain("already has 2 sub-agents running or queued, the maximum (2)");
    heldGate.open();
    await waitUntil(async () =>
      (await runtime.listAgents(sessionId)).every(
        (agent) => agent.role === "supervisor" || agent.status === "done",
      ),
    );
    surface.close();
  });
});
