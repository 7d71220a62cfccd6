import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createRequest } from "../../src/adapters/database/requests.ts";
import { agents, toolCalls } from "../../src/adapters/database/schema.ts";
import type { McpElicitation } from "../../src/domain/mcp.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import { textResponse } from "../fakes/fake-llm-server.ts";
import { backends } from "../helpers/database.ts";
import { startElicitationTask } from "../helpers/elicitation-task.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { type ElicitationOutcomes, elicitAndRecord } from "../helpers/recorded-elicitation.ts";
import { createGate } from "../helpers/runtime-gate.ts";
import { isSupervisorRequest, startTestRuntime } from "../helpers/runtime-harness.ts";
import { waitUntil } from "../helpers/runtime-processes.ts";
import { callScenarioThenFinish, scenarioTool } from "../helpers/scenario-tool.ts";
import { useTestRuntime } from "../helpers/test-runtime-per-describe.ts";
import { spawnWorkerForTask } from "./support/scripted-agents.ts";

const confirm: McpElicitation = {
  mode: "form",
  server: "tracker",
  message: "Create the issue in project WEB?",
  requestedSchema: { type: "object", properties: { confirm: { type: "boolean" } }, required: ["confirm"] },
};

const elicitations: Record<string, McpElicitation> = {
  confirm,
  stop: confirm,
  lost: confirm,
  pick: {
    mode: "form",
    server: "tracker",
    message: "Which priority?",
    requestedSchema: {
      type: "object",
      properties: { priority: { type: "string", enum: ["low", "high"] } },
      required: ["priority"],
    },
  },
  form: {
    mode: "form",
    server: "tracker",
    message: "Details for the new issue",
    requestedSchema: {
      type: "object",
      properties: {
        title: { type: "string", title: "Title", minLength: 2 },
        estimate: { type: "integer", title: "Estimate in days", minimum: 1, maximum: 5 },
      },
      required: ["title", "estimate"],
    },
  },
  leak: {
    mode: "form",
    server: "tracker",
    message: "Using token sk-ant-api03-abcdefghijklmnop to file it; confirm?",
    requestedSchema: { type: "object", properties: { confirm: { type: "boolean" } } },
  },
  leakingLink: {
    mode: "url",
    server: "tracker",
    message: "Open this",
    url: "https://auth.tracker.example/authorize?key=sk-ant-api03-abcdefghijklmnop",
  },
  link: {
    mode: "url",
    server: "tracker",
    message: "Sign in to the tracker",
    url: "https://auth.tracker.example/authorize?state=abc",
  },
};

describe.each(backends)("an MCP server's elicitation on %s", (backend) => {
  /** What each scenario's `elicit` returned, or "aborted" when it rejected. */
  const outcomes: ElicitationOutcomes = new Map();
  const hang = createGate();
  const askServer = scenarioTool({
    name: "ask_server",
    description: "Call a tool on an MCP server that asks people for input.",
    async run(scenario, context) {
      if (scenario === "orphan") {
        // The server gives up on its question and the call returns without the answer.
        context.services.elicit(confirm).then(
          (answer) => outcomes.set("orphan", answer),
          () => outcomes.set("orphan", "aborted"),
        );
        await waitUntil(async () => (await world.runtime.listPendingRequests(context.sessionId)).length > 0);
        return "the server gave up";
      }
      if (scenario === "hang") {
        // A call whose process dies: it never returns while the test looks.
        await hang.wait();
        return "late";
      }
      return elicitAndRecord(context, scenario, elicitations, outcomes);
    },
  });

  const world = useTestRuntime(backend, {
    workerTools: [askServer],
    respond: (request) => {
      if (isSupervisorRequest(request)) return spawnWorkerForTask(request) ?? textResponse("OK.");
      return callScenarioThenFinish("ask_server")(request);
    },
  });

  const start = (scenario: string) => startElicitationTask(world.runtime, scenario);

  it("asks a yes/no form as Yes/No buttons and returns the answer to the call", async () => {
    const { surface, nextQuestion } = await start("confirm");
    const question = await nextQuestion();
    expect(question.choices).toEqual(["Yes", "No", "Decline"]);
    expect(question.prompt).toContain('The MCP server "tracker" asks for input');
    expect(question.prompt).toContain("```\nCreate the issue in project WEB?\n```");

    const stranger = await surface.answer(question.id, "Yes", "stranger");
    expect(stranger).toMatchObject({ ok: false, reason: "not_authorized" });
    expect(await surface.answer(question.id, "Yes", "owner")).toMatchObject({ ok: true });
    await waitUntil(() => outcomes.has("confirm"));
    expect(outcomes.get("confirm")).toEqual({ action: "accept", content: { confirm: true } });
    surface.close();
  });

  it("returns decline when a person presses Decline", async () => {
    const { surface, nextQuestion } = await start("pick");
    const question = await nextQuestion();
    expect(question.choices).toEqual(["low", "high", "Decline"]);
    await surface.answer(question.id, "Decline");
    await waitUntil(() => outcomes.has("pick"));
    expect(outcomes.get("pick")).toEqual({ action: "decline" });
    surface.close();
  });

  it("asks a two-field form field by field and asks again after an invalid number", async () => {
    const { surface, nextQuestion } = await start("form");
    const title = await nextQuestion();
    expect(title.prompt).toContain("question 1 of 2");
    expect(title.prompt).toContain("Title");
    expect(title.choices).toEqual(["Decline"]);
    await surface.answer(title.id, "Login fails on Safari");

    const estimate = await nextQuestion();
    expect(estimate.prompt).toContain("question 2 of 2");
    expect(estimate.prompt).toContain("a whole number from 1 to 5");
    await surface.answer(estimate.id, "9");

    const again = await nextQuestion();
    expect(again.id).not.toBe(estimate.id);
    expect(again.prompt).toContain("not accepted: it must be at most 5");
    await surface.answer(again.id, "3");
    await waitUntil(() => outcomes.has("form"));
    expect(outcomes.get("form")).toEqual({
      action: "accept",
      content: { title: "Login fails on Safari", estimate: 3 },
    });
    surface.close();
  });

  it("shows a URL elicitation's link and host, and Done accepts", async () => {
    const { surface, nextQuestion } = await start("link");
    const question = await nextQuestion();
    expect(question.action).toEqual({
      link: { url: "https://auth.tracker.example/authorize?state=abc", host: "auth.tracker.example" },
    });
    expect(question.prompt).toContain("open a link on auth.tracker.example");
    expect(question.choices).toEqual(["Done", "Decline"]);
    await surface.answer(question.id, "Done");
    await waitUntil(() => outcomes.has("link"));
    expect(outcomes.get("link")).toEqual({ action: "accept" });
    surface.close();
  });

  it("never stores or shows a secret the server echoes, and declines a link that holds one", async () => {
    const { surface, nextQuestion } = await start("leak");
    const question = await nextQuestion();
    expect(question.prompt).not.toContain("sk-ant-api03");
    expect(question.prompt).toContain("[REDACTED]");
    await surface.answer(question.id, "Decline");
    await waitUntil(() => outcomes.has("leak"));
    surface.close();

    const link = await start("leakingLink");
    await waitUntil(() => outcomes.has("leakingLink"));
    expect(outcomes.get("leakingLink")).toEqual({ action: "decline" });
    expect(link.surface.events.some((event) => event.type === "question-asked")).toBe(false);
    link.surface.close();
  });

  it("withdraws a question that outlives its call", async () => {
    const { surface, nextQuestion } = await start("orphan");
    const question = await nextQuestion();
    await waitUntil(() => outcomes.has("orphan"));
    expect(outcomes.get("orphan")).toBe("aborted");
    expect((await world.runtime.getRequest(question.id))?.status).toBe("cancelled");
    surface.close();
  });

  it("withdraws the question when the worker is stopped, and leaves nothing pending", async () => {
    const { surface, nextQuestion } = await start("stop");
    const question = await nextQuestion();
    const sessionId = surface.sessionId() ?? "";
    await world.runtime.handle({ type: "cancel", sessionId, userId: "owner" });
    await waitUntil(() => outcomes.has("stop"));
    // Stop withdraws the question (cancel) or aborts the call, whichever the call sees first.
    expect(["aborted", "cancel"]).toContain(
      ((outcome) => (outcome === "aborted" ? outcome : outcome?.action))(outcomes.get("stop")),
    );
    expect(await world.runtime.listPendingRequests(sessionId)).toEqual([]);
    expect(await surface.answer(question.id, "Yes")).toMatchObject({ ok: false, reason: "already_decided" });
    surface.close();
  });

  it("withdraws the question and rejects when the call's signal aborts (its runner lost the agent)", async () => {
    const { surface, nextQuestion } = await start("lost");
    const question = await nextQuestion();
    await world.handle.db
      .update(agents)
      .set({ leaseOwner: "another-instance", leaseExpiresAt: sql`now() + interval '1 minute'` })
      .where(eq(agents.id, question.agentId));
    await waitUntil(() => outcomes.has("lost"));
    expect(outcomes.get("lost")).toBe("aborted");
    expect((await world.runtime.getRequest(question.id))?.status).toBe("cancelled");
    await surface.waitFor((event) => event.type === "request-decided" && event.request.id === question.id);
    // Let the agent go on, as the other instance would.
    await world.handle.db
      .update(agents)
      .set({ leaseOwner: null, leaseExpiresAt: null })
      .where(eq(agents.id, question.agentId));
    surface.close();
  });

  it("withdraws a question a crashed call left behind when the call is reported interrupted", async () => {
    const surface = createMemorySurface(world.runtime, { userId: "owner" });
    await surface.send("task: elicit hang");
    const sessionId = surface.sessionId() ?? "";
    const call = await (async () => {
      let found: typeof toolCalls.$inferSelect | undefined;
      await waitUntil(async () => {
        [found] = await world.handle.db
          .select()
          .from(toolCalls)
          .where(and(eq(toolCalls.sessionId, sessionId), eq(toolCalls.toolName, "ask_server")));
        return found !== undefined;
      });
      if (!found) throw new Error("no call");
      return found;
    })();
    // What the dead process had asked, still pending.
    const { request: left } = await createRequest(world.handle.db, {
      sessionId,
      agentId: call.agentId,
      kind: "question",
      toolCallId: `${call.toolCallId}#elicit-1`,
      prompt: "left behind",
      choices: ["Yes", "No", "Decline"],
    });
    // The process dies: its lease is gone, and another instance takes the worker over.
    let second: Runtime | undefined;
    try {
      second = await startTestRuntime({
        handle: world.handle,
        anthropicBaseUrl: world.server.anthropicBaseUrl,
        instanceId: "second",
        workerTools: [askServer],
      });
      await world.handle.db
        .update(agents)
        .set({ leaseOwner: "a-process-that-died", leaseExpiresAt: sql`now() - interval '1 second'` })
        .where(eq(agents.id, call.agentId));
      await waitUntil(async () => {
        const [row] = await world.handle.db
          .select({ status: toolCalls.status })
          .from(toolCalls)
          .where(and(eq(toolCalls.agentId, call.agentId), eq(toolCalls.toolCallId, call.toolCallId)));
        return row?.status === "interrupted";
      });
      expect((await world.runtime.getRequest(left.id))?.status).toBe("cancelled");
      expect(await world.runtime.listPendingRequests(sessionId)).toEqual([]);
    } finally {
      hang.open();
      await second?.stop();
      surface.close();
    }
  });
});
