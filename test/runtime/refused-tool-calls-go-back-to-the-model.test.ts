import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { getToolCall } from "../../src/adapters/database/tool-calls.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import { askUserTool } from "../../src/tools/agent/worker-tools.ts";
import {
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { startTestRuntime } from "../helpers/runtime-harness.ts";

describe.each(backends)("refused tool calls on %s", (backend) => {
  let handle: DatabaseHandle;
  let server: FakeLlmServer;
  let runtime: Runtime;

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
    server = await startFakeLlmServer();
    server.respondWith((request) => {
      if (request.lastToolResults.length > 0) return textResponse("Noted.");
      if (request.lastUserText.includes("task: refused calls")) {
        return toolCallResponse([
          { id: "call_unknown", name: "no_such_tool", input: {} },
          { id: "call_invalid", name: "spawn_agent", input: { title: 7 } },
        ]);
      }
      if (request.lastUserText.includes("task: ask first")) {
        return toolCallResponse([{ id: "call_ask", name: "ask_user", input: { question: "Which branch?" } }]);
      }
      return textResponse("Hello.");
    });
    runtime = await startTestRuntime({
      handle,
      anthropicBaseUrl: server.anthropicBaseUrl,
      supervisorTools: [askUserTool],
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    await handle?.close();
    await server?.close();
  });

  it("answers an unknown tool and an invalid input with error results, audited as rejected", async () => {
    const surface = createMemorySurface(runtime);
    await surface.send("task: refused calls");
    await surface.waitFor((event) => event.type === "reply-completed" && event.text === "Noted.");
    const results = server.requests.find((request) => request.lastToolResults.length > 0)?.lastToolResults;
    expect(results?.map((result) => result.isError)).toEqual([true, true]);
    expect(results?.[0]?.content).toMatch(/^Unknown tool "no_such_tool"\. Available tools: .*spawn_agent/);
    expect(results?.[1]?.content).toMatch(/^Invalid input for spawn_agent: /);
    const sessionId = surface.sessionId() ?? "";
    const supervisor = (await runtime.listAgents(sessionId)).find((agent) => agent.role === "supervisor");
    for (const id of ["call_unknown", "call_invalid"]) {
      const audit = await getToolCall(handle.db, supervisor?.id ?? "", id);
      expect(audit).toMatchObject({ status: "rejected", risk: "safe", isError: true });
    }
    surface.close();
  });

  it("reports a question withdrawn before anyone answered, and never runs the tool", async () => {
    const surface = createMemorySurface(runtime, { userId: "owner" });
    await surface.send("task: ask first");
    await surface.waitFor((event) => event.type === "question-asked");
    const sessionId = surface.sessionId() ?? "";
    const supervisor = (await runtime.listAgents(sessionId)).find((agent) => agent.role === "supervisor");
    const agentId = supervisor?.id ?? "";
    const cancelled = await runtime.handle({ type: "cancel", sessionId, userId: "owner", agentId });
    expect(cancelled).toEqual({ type: "cancelled", sessionId, agentIds: [agentId] });
    expect(await runtime.listPendingRequests(sessionId)).toEqual([]);

    const before = server.requests.length;
    await surface.send("carry on");
    await surface.waitFor((event) => event.type === "reply-completed" && event.text === "Noted.");
    const resumed = server.requests.slice(before).find((request) => request.lastToolResults.length > 0);
    expect(resumed?.lastToolResults).toEqual([
      expect.objectContaining({
        toolCallId: "call_ask",
        content: "The question was withdrawn before anyone answered.",
        isError: true,
      }),
    ]);
    expect(await getToolCall(handle.db, agentId, "call_ask")).toMatchObject({
      status: "rejected",
      isError: true,
    });
    surface.close();
  });
});
