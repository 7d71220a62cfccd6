import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { defineTool } from "../../src/domain/tool.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import { createMemorySurface } from "../../src/surfaces/memory-surface.ts";
import {
  errorResponse,
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";
import { createGate } from "../helpers/runtime-gate.ts";
import { briefOf, isSupervisorRequest, startTestRuntime, testConfig } from "../helpers/runtime-harness.ts";
import { waitUntil } from "../helpers/runtime-processes.ts";

describe.each(backends)("failures and policies on %s", (backend) => {
  let handle: DatabaseHandle;
  let server: FakeLlmServer;
  let runtime: Runtime;
  let clockOffsetMs = 0;
  const heldGate = createGate();
  const deployed: string[] = [];
  const deployTool = defineTool<{ target: string }>({
    name: "deploy_preview",
    description: "Deploy to an environment.",
    input: z.object({ target: z.string() }),
    risk: "risky",
    async execute(input) {
      deployed.push(input.target);
      return `deployed to ${input.target}`;
    },
  });

  const toolEvents: string[] = [];
  const waitForCancelTool = defineTool<Record<string, never>>({
    name: "wait_for_cancel",
    description: "Work for a long time.",
    input: z.object({}) as unknown as z.ZodType<Record<string, never>>,
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

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
    server = await startFakeLlmServer();
    runtime = await startTestRuntime({
      handle,
      anthropicBaseUrl: server.anthropicBaseUrl,
      config: testConfig({ maxTurns: 4, maxAgentsPerSession: 2 }),
      workerTools: [deployTool, waitForCancelTool],
      clock: { now: () => new Date(Date.now() + clockOffsetMs) },
    });
    // Supervisors spawn one worker whose brief is the user's text, then relay events.
    server.respondWith(async (request) => {
      if (isSupervisorRequest(request)) {
        // After a failure the next message joins the failed one in the same user turn.
        if (request.lastUserText.includes("hello again")) return textResponse("OK.");
        if (request.lastUserText.includes("break the supervisor"))
          return errorResponse(400, { message: "bad request" });
        if (request.turnIndex === 0 && request.lastUserText.includes("trio")) {
          return toolCallResponse(
            [0, 1, 2].map((index) => ({
              name: "spawn_agent",
              input: { title: `Held ${index}`, brief: `held ${index}` },
            })),
          );
        }
        if (request.turnIndex === 0 && request.lastUserText.includes("task:")) {
          const brief = request.lastUserText.slice(request.lastUserText.indexOf("task:"));
          return toolCallResponse([{ name: "spawn_agent", input: { title: "Worker", brief } }]);
        }
        const failure = /failed: (.*)/.exec(request.lastUserText);
        if (failure) return textResponse(`The worker failed: ${failure[1]}`);
        return textResponse("OK.");
      }
      const brief = briefOf(request);
      if (brief.startsWith("held")) {
        await heldGate.wait();
        return toolCallResponse([{ name: "finish", input: { summary: brief } }]);
      }
      if (brief.includes("outage")) return errorResponse(529);
      if (brief.includes("long tool")) return toolCallResponse([{ name: "wait_for_cancel", input: {} }]);
      if (brief.includes("loop"))
        return toolCallResponse([{ name: "report_progress", input: { text: `turn ${request.turnIndex}` } }]);
      if (brief.includes("slow question")) {
        return request.turnIndex === 0
          ? toolCallResponse([{ name: "ask_user", input: { question: "Proceed?" } }])
          : toolCallResponse([{ name: "finish", input: { summary: "done" } }]);
      }
      // "deploy": staging twice (one approval, then the rule), prod once (asks again).
      const targets = ["staging", "staging", "prod"];
      const target = targets[request.turnIndex];
      if (target) return toolCallResponse([{ name: "deploy_preview", input: { target } }]);
      return toolCallResponse([{ name: "finish", input: { summary: "deployed what I was allowed to" } }]);
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    await handle?.close();
    await server?.close();
  });

  it("fails a worker after the provider's retries and tells the supervisor and the user", async () => {
    const surface = createMemorySurface(runtime);
    await surface.send("task: survive an outage");
    const failed = await surface.waitFor((event) => event.type === "agent-failed");
    expect(failed.reason).toMatch(/529|overload/i);
    expect(failed.agent.status).toBe("failed");
    const reply = await surface.waitFor(
      (event) => event.type === "reply-completed" && event.text.startsWith("The worker failed"),
    );
    expect(reply.type === "reply-completed" && reply.text).toContain(failed.reason.slice(0, 20));
    surface.close();
  });

  it("tells the user when the supervisor itself fails, and recovers on the next message", async () => {
    const surface = createMemorySurface(runtime);
    await surface.send("break the supervisor");
    const failed = await surface.waitFor((event) => event.type === "agent-failed");
    expect(failed.agent.role).toBe("supervisor");
    await surface.waitFor(
      (event) => event.type === "reply-completed" && event.text.startsWith("I could not continue"),
    );
    await surface.send("hello again");
    await surface.waitFor((event) => event.type === "reply-completed" && event.text === "OK.");
    surface.close();
  });

  it("applies Always allow to the same exact action for the rest of the session, and asks for another", async () => {
    const surface = createMemorySurface(runtime, { userId: "owner" });
    await surface.send("task: deploy");
    const first = await surface.waitFor((event) => event.type === "approval-requested");
    expect(first.request.pattern).toBe('{"target":"staging"}');
    expect((await surface.decide(first.request.id, "always_allow")).ok).toBe(true);
    const second = await surface.waitFor(
      (event) => event.type === "approval-requested" && event.request.id !== first.request.id,
    );
    expect(second.type === "approval-requested" && second.request.pattern).toBe('{"target":"prod"}');
    expect(deployed).toEqual(["staging", "staging"]);
    if (second.type === "approval-requested") await surface.decide(second.request.id, "deny");
    await surface.waitFor((event) => event.type === "agent-finished");
    expect(deployed).toEqual(["staging", "staging"]);
    // A decided request is never decided twice.
    expect(await surface.decide(first.request.id, "deny")).toMatchObject({
      ok: false,
      reason: "already_decided",
    });
    surface.close();
  });

  it("fails a worker that reaches the turn limit", async () => {
    const surface = createMemorySurface(runtime);
    await surface.send("task: loop forever");
    const failed = await surface.waitFor((event) => event.type === "agent-failed");
    expect(failed.reason).toBe("reached the turn limit (4 turns)");
    expect(failed.agent.usage.outputTokens).toBeGreaterThan(0);
    surface.close();
  });

  it("fails a worker past its wall-clock deadline", async () => {
    const surface = createMemorySurface(runtime);
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

  it("lets only the owner or an approver cancel", async () => {
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

  it("refuses a spawn past the session's maximum of live sub-agents; the others run", async () => {
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

  it("aborts a running tool when its agent is cancelled", async () => {
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

  it("re-announces a pending question after a restart, and the new instance resumes on the answer", async () => {
    const surface = createMemorySurface(runtime);
    await surface.send("task: slow question");
    const asked = await surface.waitFor((event) => event.type === "question-asked");
    surface.close();
    await runtime.stop();

    const announced: string[] = [];
    const restarted = await startTestRuntime({
      handle,
      anthropicBaseUrl: server.anthropicBaseUrl,
      config: testConfig({ maxTurns: 4, maxAgentsPerSession: 2 }),
      workerTools: [deployTool, waitForCancelTool],
      instanceId: "restarted",
      beforeStart: (fresh) => {
        fresh.subscribe((event) => {
          if (event.type === "question-asked") announced.push(event.request.id);
        });
      },
    });
    runtime = restarted;
    expect(announced).toContain(asked.request.id);
    // Only the owner ("user-1", the memory surface's default) or an approver may answer.
    const bystander = await restarted.handle({
      type: "answer",
      requestId: asked.request.id,
      userId: "someone",
      answer: "yes",
    });
    expect(bystander).toMatchObject({ type: "decision", outcome: { ok: false, reason: "not_authorized" } });
    const outcome = await restarted.handle({
      type: "answer",
      requestId: asked.request.id,
      userId: "user-1",
      answer: "yes",
    });
    expect(outcome).toMatchObject({ type: "decision", outcome: { ok: true } });
    await waitUntil(async () =>
      (await restarted.listAgents(asked.sessionId)).every(
        (agent) => agent.role === "supervisor" || agent.status === "done",
      ),
    );
  });
});
