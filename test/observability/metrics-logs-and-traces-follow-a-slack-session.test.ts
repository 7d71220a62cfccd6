import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import {
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { type FakeOtlpCollector, startFakeOtlpCollector } from "../fakes/fake-otlp-collector.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { briefOf, isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { findButton } from "../slack/support/harness.ts";
import {
  channel,
  type StartedApplication,
  sample,
  startApplication,
  total,
} from "./support/started-application.ts";

const owner = "U0OWNER";
const threadTs = "1700050000.000100";
const brief = "research: pick a database for the queue";
const question = "Postgres or SQLite?";

/**
 * One Slack session through `start()`: a mention, a supervisor that delegates, a worker that
 * asks a question and finishes, a summary. Then `/metrics`, the log lines and the spans an
 * OTLP collector received tell what happened, with sane numbers and no content.
 */
describe("metrics, logs and traces follow a Slack session", () => {
  let llm: FakeLlmServer;
  let fake: FakeSlackServer;
  let collector: FakeOtlpCollector;
  let app: StartedApplication;
  let metrics = "";
  let sessionId = "";

  beforeAll(async () => {
    llm = await startFakeLlmServer();
    fake = await FakeSlackServer.start("xoxb-observability-token");
    collector = await startFakeOtlpCollector();
    llm.respondWith((request) => {
      if (isSupervisorRequest(request)) {
        if (request.lastUserText.includes("finished")) return textResponse("All done: Postgres it is.");
        if (request.lastToolResults.length > 0) return textResponse("Started a researcher.");
        // Events from the worker (its start, its question) need no action.
        if (request.turnIndex > 0) return textResponse("Noted.");
        return toolCallResponse([{ name: "spawn_agent", input: { title: "Researcher", brief } }]);
      }
      if (!briefOf(request).startsWith("research")) return textResponse("?");
      if (request.turnIndex === 0) {
        return toolCallResponse([{ name: "ask_user", input: { question, choices: ["Postgres", "SQLite"] } }]);
      }
      if (request.turnIndex === 1) {
        return toolCallResponse([{ name: "report_progress", input: { text: "Comparing the two" } }]);
      }
      return toolCallResponse([{ name: "finish", input: { summary: "Chose Postgres." } }]);
    });
    // Slack answers the first thread status with a 429: waited out, counted, retried.
    fake.failWithStatus("assistant.threads.setStatus", 429, { retryAfter: 1 });
    app = await startApplication({
      fake,
      anthropicBaseUrl: llm.anthropicBaseUrl,
      environment: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint, OTEL_SERVICE_NAME: "threadwork-test" },
    });

    expect(await app.mention("EvObserve1", threadTs, "which database should the queue use?", owner)).toBe(
      200,
    );
    const asked = await fake.waitFor(
      () => fake.threadMessages(channel, threadTs).find((message) => message.text.includes("asks:")),
      20_000,
    );
    const choice = findButton(asked.blocks, actionIds.answerChoice);
    expect(
      await app.click({
        user: owner,
        actionId: choice?.action_id ?? "",
        value: choice?.value ?? "",
        messageTs: asked.ts,
        threadTs,
      }),
    ).toBe(200);
    await fake.waitFor(
      () => fake.threadMessages(channel, threadTs).find((message) => message.text.includes("All done")),
      20_000,
    );
    // The supervisor rests after the summary it wrote once the worker finished; the gauges read the database.
    await fake.waitFor(() => {
      const finished = app.logs.findIndex((line) => line.event === "agent-finished");
      return finished >= 0 && app.logs.slice(finished).some((line) => line.event === "session-idle");
    }, 10_000);
    sessionId = sessionOf() ?? "";
    const response = await fetch(`${app.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    metrics = await response.text();
  });

  afterAll(async () => {
    await app?.close();
    await collector?.close();
    await fake?.close();
    await llm?.close();
  });

  function sessionOf(): string | undefined {
    return app.logs.find((line) => line.event === "session-started")?.sessionId as string | undefined;
  }

  it("/metrics counts the session, its agents, steps, model and tool calls, waits and Slack calls", () => {
    expect(sample(metrics, "threadwork_sessions_started_total", { surface: "slack" })).toBe(1);
    expect(sample(metrics, "threadwork_sessions", { state: "idle" })).toBe(1);
    expect(sample(metrics, "threadwork_sessions", { state: "working" })).toBe(0);
    expect(sample(metrics, "threadwork_agents", { role: "supervisor", state: "idle" })).toBe(1);
    expect(sample(metrics, "threadwork_agents_ended_total", { role: "worker", outcome: "done" })).toBe(1);

    // Supervisor: the spawn turn and its tool step, "started", notes on the worker's events, the summary.
    const supervisorTurns =
      sample(metrics, "threadwork_steps_total", { role: "supervisor", kind: "model" }) ?? 0;
    expect(supervisorTurns).toBeGreaterThanOrEqual(3);
    expect(supervisorTurns).toBeLessThanOrEqual(6);
    expect(sample(metrics, "threadwork_steps_total", { role: "supervisor", kind: "tool" })).toBe(1);
    expect(
      sample(metrics, "threadwork_steps_total", { role: "supervisor", kind: "rest" }),
    ).toBeGreaterThanOrEqual(1);
    // Worker: ask, report, finish, each turn followed by its tool step (the question's twice: asked, answered).
    expect(sample(metrics, "threadwork_steps_total", { role: "worker", kind: "model" })).toBe(3);
    expect(
      sample(metrics, "threadwork_steps_total", { role: "worker", kind: "tool" }),
    ).toBeGreaterThanOrEqual(3);

    const supervisorModel = { provider: "anthropic", model: "claude-sonnet-5-5" };
    const workerModel = { provider: "anthropic", model: "claude-haiku-5-5" };
    expect(
      sample(metrics, "threadwork_model_call_duration_seconds_count", { ...supervisorModel, outcome: "ok" }),
    ).toBe(supervisorTurns);
    expect(
      sample(metrics, "threadwork_model_call_duration_seconds_count", { ...workerModel, outcome: "ok" }),
    ).toBe(3);
    const modelSeconds = sample(metrics, "threadwork_model_call_duration_seconds_sum", {
      ...supervisorModel,
      outcome: "ok",
    });
    expect(modelSeconds).toBeGreaterThan(0);
    expect(modelSeconds).toBeLessThan(30);
    // The fake caches prompts as Anthropic does: most input is written to, then read from, the cache.
    for (const kind of ["output", "cache_read", "cache_write"]) {
      expect(sample(metrics, "threadwork_model_tokens_total", { ...supervisorModel, kind })).toBeGreaterThan(
        0,
      );
      expect(sample(metrics, "threadwork_model_tokens_total", { ...workerModel, kind })).toBeGreaterThan(0);
    }
    expect(
      sample(metrics, "threadwork_model_tokens_total", { ...supervisorModel, kind: "input" }),
    ).toBeDefined();
    const cost = sample(metrics, "threadwork_model_cost_usd_total", supervisorModel) ?? 0;
    expect(cost).toBeGreaterThan(0);
    expect(cost).toBeLessThan(1);

    for (const tool of ["spawn_agent", "ask_user", "report_progress", "finish"]) {
      expect(sample(metrics, "threadwork_tool_calls_total", { tool, outcome: "finished" })).toBe(1);
      expect(
        sample(metrics, "threadwork_tool_call_duration_seconds_count", { tool, outcome: "finished" }),
      ).toBe(1);
    }
    expect(
      sample(metrics, "threadwork_request_wait_seconds_count", { kind: "question", outcome: "answered" }),
    ).toBe(1);
    const waited = sample(metrics, "threadwork_request_wait_seconds_sum", {
      kind: "question",
      outcome: "answered",
    });
    expect(waited).toBeGreaterThanOrEqual(0);
    expect(waited).toBeLessThan(60);

    expect(
      sample(metrics, "threadwork_slack_api_calls_total", {
        method: "assistant.threads.setStatus",
        outcome: "rate_limited",
      }),
    ).toBe(1);
    expect(
      sample(metrics, "threadwork_slack_rate_limited_total", { method: "assistant.threads.setStatus" }),
    ).toBe(1);
    expect(
      sample(metrics, "threadwork_slack_api_calls_total", { method: "chat.postMessage", outcome: "ok" }),
    ).toBeGreaterThanOrEqual(1);
    expect(total(metrics, "threadwork_slack_pacing_delay_seconds_count")).toBeGreaterThan(3);
    // The retried status call waited out its Retry-After in the pacer.
    expect(
      sample(metrics, "threadwork_slack_pacing_delay_seconds_sum", { method: "assistant.threads.setStatus" }),
    ).toBeGreaterThanOrEqual(0.9);
    expect(sample(metrics, "threadwork_queue_depth", { queue: "agent-slots" })).toBe(0);
    expect(sample(metrics, "threadwork_queue_depth", { queue: "slack-calls" })).toBeGreaterThanOrEqual(0);

    const feedback = sample(metrics, "threadwork_first_feedback_seconds_sum", { surface: "slack" }) ?? -1;
    expect(sample(metrics, "threadwork_first_feedback_seconds_count", { surface: "slack" })).toBe(1);
    expect(feedback).toBeGreaterThanOrEqual(0.9);
    expect(feedback).toBeLessThan(10);
    const reply = sample(metrics, "threadwork_first_reply_seconds_sum", { surface: "slack" }) ?? -1;
    expect(sample(metrics, "threadwork_first_reply_seconds_count", { surface: "slack" })).toBe(1);
    expect(reply).toBeGreaterThan(0);
    expect(reply).toBeLessThan(30);
    // The Node process metrics come along.
    expect(sample(metrics, "process_cpu_seconds_total")).toBeGreaterThan(0);
  });

  it("logs the lifecycle at info, every line with its session, agent and thread", () => {
    const thread = `slack:${fake.teamId}:${channel}:${threadTs}`;
    const lifecycle = app.logs.filter(
      (line) => typeof line.event === "string" && line.sessionId === sessionId,
    );
    const events = lifecycle.map((line) => line.event);
    expect(events).toEqual(
      expect.arrayContaining([
        "session-started",
        "agent-spawned",
        "agent-started",
        "question-asked",
        "request-decided",
        "agent-finished",
        "session-idle",
      ]),
    );
    for (const line of lifecycle) {
      expect(line.level).toBe(30);
      expect(line.thread).toBe(thread);
    }
    const worker = lifecycle.find((line) => line.event === "agent-spawned")?.agentId;
    expect(worker).toMatch(/^agt_/);
    for (const event of ["agent-started", "question-asked", "request-decided", "agent-finished"]) {
      expect(lifecycle.find((line) => line.event === event)?.agentId).toBe(worker);
    }
    expect(lifecycle.find((line) => line.event === "question-asked")?.msg).toBe(
      "waiting on a person: question",
    );
    // Ids and states only: not the brief, the question or the reply.
    const text = JSON.stringify(lifecycle);
    expect(text).not.toContain(brief);
    expect(text).not.toContain(question);
  });

  it("sends session → agent → model call and tool call spans with GenAI attributes, and no content", async () => {
    await app.close();
    const spans = collector.spans;
    expect(spans.length).toBeGreaterThan(0);
    expect(spans[0]?.resource["service.name"]).toBe("threadwork-test");
    const sessionSpans = spans.filter((span) => span.name === "session");
    expect(sessionSpans.length).toBeGreaterThanOrEqual(1);
    for (const span of sessionSpans) {
      expect(span.parentSpanId).toBeUndefined();
      expect(span.attributes["gen_ai.conversation.id"]).toBe(sessionId);
    }
    const byId = new Map(spans.map((span) => [span.spanId, span]));

    const agents = spans.filter((span) => span.attributes["gen_ai.operation.name"] === "invoke_agent");
    expect(new Set(agents.map((span) => span.attributes["gen_ai.agent.name"]))).toEqual(
      new Set(["supervisor", "worker"]),
    );
    for (const span of agents) {
      expect(byId.get(span.parentSpanId ?? "")?.name).toBe("session");
      expect(span.attributes["threadwork.session.id"]).toBe(sessionId);
      expect(span.attributes["gen_ai.agent.id"]).toMatch(/^agt_/);
    }
    const finishedWorker = agents.find((span) => span.attributes["threadwork.agent.outcome"] === "done");
    expect(finishedWorker?.name).toBe("invoke_agent worker");

    const chats = spans.filter((span) => span.attributes["gen_ai.operation.name"] === "chat");
    expect(chats).toHaveLength(total(metrics, "threadwork_model_call_duration_seconds_count"));
    for (const span of chats) {
      const parent = byId.get(span.parentSpanId ?? "");
      expect(parent?.attributes["gen_ai.operation.name"]).toBe("invoke_agent");
      expect(span.traceId).toBe(parent?.traceId);
      expect(span.kind).toBe(3); // CLIENT
      expect(span.attributes["gen_ai.provider.name"]).toBe("anthropic");
      expect(span.attributes["gen_ai.usage.input_tokens"]).toBeGreaterThan(0);
      expect(span.attributes["gen_ai.usage.output_tokens"]).toBeGreaterThan(0);
      expect(span.attributes["gen_ai.conversation.id"]).toBe(sessionId);
      expect(span.attributes["gen_ai.agent.id"]).toBe(parent?.attributes["gen_ai.agent.id"]);
    }
    const haiku = chats.filter((span) => span.attributes["gen_ai.request.model"] === "claude-haiku-5-5");
    expect(haiku).toHaveLength(3);
    for (const span of haiku) expect(byId.get(span.parentSpanId ?? "")?.name).toBe("invoke_agent worker");
    expect(chats.find((span) => span.attributes["gen_ai.request.model"] === "claude-sonnet-5-5")?.name).toBe(
      "chat claude-sonnet-5-5",
    );

    const tools = spans.filter((span) => span.attributes["gen_ai.operation.name"] === "execute_tool");
    expect(tools.map((span) => span.attributes["gen_ai.tool.name"]).sort()).toEqual([
      "ask_user",
      "finish",
      "report_progress",
      "spawn_agent",
    ]);
    for (const span of tools) {
      expect(byId.get(span.parentSpanId ?? "")?.attributes["gen_ai.operation.name"]).toBe("invoke_agent");
      expect(String(span.attributes["gen_ai.tool.call.id"])).not.toBe("");
      expect(span.name).toBe(`execute_tool ${span.attributes["gen_ai.tool.name"]}`);
    }

    const sent = collector.bodies.join("\n");
    for (const content of [
      brief,
      question,
      "Postgres or SQLite",
      "All done",
      "Comparing the two",
      "Chose Postgres",
    ]) {
      expect(sent).not.toContain(content);
    }
    expect(sent).not.toContain("sk-ant-observability-test");
    expect(sent).not.toContain(fake.botToken);
  });
});
