import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool } from "../../src/domain/tool.ts";
import { textResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import { backends } from "../helpers/database.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { briefOf, isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { waitUntil } from "../helpers/runtime-processes.ts";
import { useTestRuntime } from "../helpers/test-runtime-per-describe.ts";
import { askThenFinish, spawnWorkerForTask } from "./support/scripted-agents.ts";

describe.each(backends)("cancelling needs the owner and aborts the running tool on %s", (backend) => {
  const toolEvents: string[] = [];
  const waitForCancelTool = defineTool({
    name: "wait_for_cancel",
    description: "Work for a long time.",
    input: z.object({}),
    risk: "safe",
    async execute(_input, context) {
      toolEvents.push("started");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 20_000);
        context.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          toolEvents.push("aborted");
          resolve();
        });
      });
      return "stopped";
    },
  });

  const world = useTestRuntime(backend, {
    workerTools: [waitForCancelTool],
    respond: (request) => {
      if (isSupervisorRequest(request)) {
        return spawnWorkerForTask(request) ?? textResponse("OK.");
      }
      if (briefOf(request).includes("long tool")) {
        return toolCallResponse([{ name: "wait_for_cancel", input: {} }]);
      }
      return askThenFinish(request);
    },
  });

  it("lets only the owner or an approver cancel", async () => {
    const { runtime } = world;
    const surface = createMemorySurface(runtime, { userId: "owner" });
    await surface.send("task: slow question");
    await surface.waitFor((event) => event.type === "question-asked");
    const sessionId = surface.sessionId() ?? "";
    expect(await runtime.handle({ type: "cancel", sessionId, userId: "stranger" })).toEqual({
      type: "cancelled",
      sessionId,
      agentIds: [],
    });
    const cancelled = await runtime.handle({ type: "cancel", sessionId, userId: "owner" });
    expect(cancelled.type === "cancelled" && cancelled.agentIds).toHaveLength(1);
    await surface.waitFor((event) => event.type === "agent-cancelled");
    expect(await runtime.listPendingRequests(sessionId)).toEqual([]);
    surface.close();
  });

  it("aborts a running tool when its agent is cancelled", async () => {
    const { runtime } = world;
    const surface = createMemorySurface(runtime, { userId: "owner" });
    await surface.send("task: long tool");
    await waitUntil(() => toolEvents.includes("started"));
    const sessionId = surface.sessionId() ?? "";
    const started = performance.now();
    await runtime.handle({ type: "cancel", sessionId, userId: "owner" });
    await waitUntil(() => toolEvents.includes("aborted"));
    expect(performance.now() - started).toBeLessThan(5000);
    await surface.waitFor((event) => event.type === "agent-cancelled");
    const worker = (await runtime.listAgents(sessionId)).find((agent) => agent.role === "worker");
    expect(worker?.status).toBe("cancelled");
    surface.close();
  });
});
