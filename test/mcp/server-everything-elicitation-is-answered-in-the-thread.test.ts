import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { McpServers } from "../../src/adapters/mcp/mcp-servers-port.ts";
import { textResponse } from "../fakes/fake-llm-server.ts";
import { startElicitationTask } from "../helpers/elicitation-task.ts";
import {
  everythingOverStdio,
  scopeOf,
  scratchDirectory,
  testMcpServers,
  textOf,
} from "../helpers/mcp-servers.ts";
import { isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { waitUntil } from "../helpers/runtime-processes.ts";
import { callScenarioThenFinish, scenarioTool } from "../helpers/scenario-tool.ts";
import { useTestRuntime } from "../helpers/test-runtime-per-describe.ts";
import { spawnWorkerForTask } from "../runtime/support/scripted-agents.ts";

const calls: Record<string, { tool: string; arguments: Record<string, unknown> }> = {
  form: { tool: "trigger-elicitation-request", arguments: {} },
  stop: { tool: "trigger-elicitation-request", arguments: {} },
  link: {
    tool: "trigger-url-elicitation",
    arguments: { url: "https://auth.example.com/consent", elicitationId: "consent-7" },
  },
};

/**
 * The published server-everything over stdio, in the sandbox: its `elicitation/create` goes
 * through the MCP client into the runtime's `elicit`, becomes questions a person answers, and
 * the answers reach the server, which says what it received.
 */
describe("server-everything's elicitation through the runtime", () => {
  let data: Awaited<ReturnType<typeof scratchDirectory>>;
  let servers: McpServers;
  /** What the server answered each call, as its tool result text. */
  const results = new Map<string, string>();

  // Stands in for the MCP tools built from the server's listing: the same call the adapter makes.
  const everything = scenarioTool({
    name: "everything_call",
    description: "Call a tool of server-everything.",
    async run(scenario, context) {
      const call = calls[scenario];
      if (!call) throw new Error("unknown scenario");
      const result = await servers.call("everything", call.tool, call.arguments, scopeOf(context.agentId), {
        signal: context.signal,
        elicit: (request) => context.services.elicit(request),
      });
      results.set(scenario, textOf(result));
      return textOf(result);
    },
  });

  beforeAll(async () => {
    data = await scratchDirectory("mcp-elicit-data");
    servers = testMcpServers({ servers: [everythingOverStdio()], dataDir: data.path });
  });
  afterAll(async () => {
    await servers?.close();
    await data?.remove();
  });

  const world = useTestRuntime("postgres", {
    workerTools: [everything],
    respond: (request) => {
      if (isSupervisorRequest(request)) return spawnWorkerForTask(request) ?? textResponse("OK.");
      return callScenarioThenFinish("everything_call")(request);
    },
  });

  const start = (scenario: string) => startElicitationTask(world.runtime, scenario);

  it("asks its form field by field, and the server receives what people answered", async () => {
    const { surface, nextQuestion } = await start("form");
    const name = await nextQuestion();
    expect(name.prompt).toContain('The MCP server "everything" asks for input (question 1 of 13)');
    expect(name.prompt).toContain("Please provide inputs for the following fields:");
    expect(name.choices).toEqual(["Decline"]);
    await surface.answer(name.id, "Ada Lovelace");

    const check = await nextQuestion();
    expect(check.choices).toEqual(["Yes", "No", "Skip", "Decline"]);
    await surface.answer(check.id, "Yes");
    // The rest are optional: skip them, except the favourite integer, answered out of range first.
    for (let index = 3; index <= 13; index += 1) {
      const question = await nextQuestion();
      if (question.prompt.includes("Favorite Integer") || question.prompt.includes("Your favorite integer")) {
        await surface.answer(question.id, "1000");
        const again = await nextQuestion();
        expect(again.prompt).toContain("it must be at most 100");
        await surface.answer(again.id, "7");
        continue;
      }
      await surface.answer(question.id, "Skip");
    }
    await waitUntil(() => results.has("form"), { timeoutMs: 30_000 });
    const text = results.get("form") ?? "";
    expect(text).toContain("User provided the requested information");
    expect(text).toContain("- Name: Ada Lovelace");
    expect(text).toContain("- Agreed to terms: true");
    expect(text).toContain("- Favorite Integer: 7");
    surface.close();
  });

  it("withdraws the question when a person stops the worker mid-question, leaving nothing to answer", async () => {
    const { surface, nextQuestion } = await start("stop");
    const question = await nextQuestion();
    const sessionId = surface.sessionId() ?? "";
    await world.runtime.handle({ type: "cancel", sessionId, userId: "owner" });
    await surface.waitFor((event) => event.type === "agent-cancelled");
    await waitUntil(async () => (await world.runtime.getRequest(question.id))?.status === "cancelled");
    expect(await world.runtime.listPendingRequests(sessionId)).toEqual([]);
    expect(results.has("stop")).toBe(false);
    surface.close();
  });

  it("shows its link to open, and Done reaches the server as the flow completed", async () => {
    const { surface, nextQuestion } = await start("link");
    const question = await nextQuestion();
    expect(question.action).toEqual({
      link: { url: "https://auth.example.com/consent", host: "auth.example.com" },
    });
    expect(question.choices).toEqual(["Done", "Decline"]);
    await surface.answer(question.id, "Done", "stranger").then((outcome) => {
      expect(outcome).toMatchObject({ ok: false, reason: "not_authorized" });
    });
    await surface.answer(question.id, "Done");
    await waitUntil(() => results.has("link"), { timeoutMs: 30_000 });
    expect(results.get("link")).toContain("User completed the URL elicitation flow");
    expect(results.get("link")).toContain("Elicitation ID: consent-7");
    surface.close();
  });
});
