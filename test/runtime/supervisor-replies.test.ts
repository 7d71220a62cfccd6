import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { defineTool } from "../../src/domain/tool.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import {
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { briefOf, isSupervisorRequest, startTestRuntime } from "../helpers/runtime-harness.ts";

describe.each(backends)("supervisor basics on %s", (backend) => {
  let handle: DatabaseHandle;
  let server: FakeLlmServer;
  let runtime: Runtime;
  const created: string[] = [];
  const whereTool = defineTool({
    name: "where_am_i",
    description: "Name the branch of the workspace.",
    input: z.object({}),
    risk: "safe",
    async execute(_input, context) {
      return context.workspace?.branch ?? "no workspace";
    },
  });

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
    server = await startFakeLlmServer();
    runtime = await startTestRuntime({
      handle,
      anthropicBaseUrl: server.anthropicBaseUrl,
      workerTools: [whereTool],
      workspaces: {
        async createWorkspace(request) {
          created.push(request.agentId);
          return {
            repoName: request.repo,
            root: `/tmp/${request.agentId}`,
            branch: `threadwork/${request.title}`,
            baseCommit: "abc",
          };
        },
        async finalizeWorkspace(request) {
          return { branch: request.workspace.branch, commits: 1 };
        },
      },
      repositories: { names: ["app"], defaultRepository: undefined },
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    await handle?.close();
    await server?.close();
  });

  it("streams a reply, delegates to a worker and sums up when it finishes", async () => {
    server.respondWith((request) => {
      if (!isSupervisorRequest(request)) {
        if (request.turnIndex === 0)
          return toolCallResponse([{ name: "report_progress", input: { text: "halfway" } }]);
        return toolCallResponse([{ name: "finish", input: { summary: `done: ${briefOf(request)}` } }]);
      }
      if (request.lastUserText.includes("finished")) return textResponse("All done: the count is 3.");
      if (request.lastToolResults.length > 0) return textResponse("I started an agent on it.");
      return toolCallResponse([
        { name: "spawn_agent", input: { title: "Counter", brief: "count the files" } },
      ]);
    });
    const surface = createMemorySurface(runtime);
    await surface.send("count the files please");
    const summary = await surface.waitFor(
      (event) => event.type === "reply-completed" && event.text.includes("All done"),
    );
    await surface.waitFor((event) => event.type === "session-idle", {
      after: surface.events.indexOf(summary),
    });
    expect(surface.replies()).toEqual(["I started an agent on it.", "All done: the count is 3."]);
    const types = surface.events.map((event) => event.type);
    expect(types).toContain("reply-delta");
    expect(types).toContain("agent-started");
    expect(types).toContain("agent-progress");
    expect(types).toContain("agent-finished");
    const sessionId = surface.sessionId() ?? "";
    const agents = await runtime.listAgents(sessionId);
    expect(agents.map((agent) => [agent.role, agent.status])).toEqual([
      ["supervisor", "idle"],
      ["worker", "done"],
    ]);
    expect(agents[1]?.result).toEqual({ summary: "done: count the files" });
    surface.close();
  });

  it("shares context by key, lists agents and sends a follow-up that revives a finished worker", async () => {
    let listed = "";
    server.respondWith((request) => {
      const last = request.lastToolResults[0]?.content ?? "";
      if (isSupervisorRequest(request)) {
        if (request.lastUserText.includes("share notes")) {
          return toolCallResponse([
            { name: "write_context", input: { key: "notes", value: "alpha beta" } },
            { name: "spawn_agent", input: { title: "Reader", brief: "read the notes" } },
          ]);
        }
        if (last.includes("agent_id") && last.includes("queued")) return textResponse("Reader started.");
        if (request.lastUserText.includes("follow-up done")) return textResponse("All good.");
        if (request.lastUserText.includes("notes were"))
          return toolCallResponse([{ name: "list_agents", input: {} }]);
        if (last.startsWith("[")) {
          listed = last;
          const [agent] = JSON.parse(last) as { agent_id: string }[];
          return toolCallResponse([
            { name: "message_agent", input: { agent_id: agent?.agent_id, text: "one more thing" } },
          ]);
        }
        if (last.startsWith("Message delivered")) return textResponse("Asked for a follow-up.");
        return textResponse("OK.");
      }
      if (request.turnIndex === 0)
        return toolCallResponse([{ name: "read_context", input: { key: "notes" } }]);
      if (request.lastUserText.includes("Message from the supervisor")) {
        return toolCallResponse([{ name: "finish", input: { summary: "follow-up done" } }]);
      }
      return toolCallResponse([{ name: "finish", input: { summary: `notes were: ${last}` } }]);
    });
    const surface = createMemorySurface(runtime);
    await surface.send("share notes with a reader");
    await surface.waitFor((event) => event.type === "reply-completed" && event.text === "All good.");
    const finished = surface.events.flatMap((event) =>
      event.type === "agent-finished" ? [event.summary] : [],
    );
    expect(finished).toEqual(["notes were: alpha beta", "follow-up done"]);
    expect(JSON.parse(listed)).toEqual([
      expect.objectContaining({
        title: "Reader",
        status: "done",
        result: { summary: "notes were: alpha beta" },
      }),
    ]);
    expect(surface.replies()).toContain("Asked for a follow-up.");
    surface.close();
  });

  it("gives a worker with a repository its workspace and reports the branch when it finishes", async () => {
    server.respondWith((request) => {
      const last = request.lastToolResults[0];
      if (isSupervisorRequest(request)) {
        if (request.turnIndex === 0) {
          return toolCallResponse([
            { name: "spawn_agent", input: { title: "Coder", brief: "code in app", repo: "app" } },
            { name: "spawn_agent", input: { title: "Lost", brief: "code elsewhere", repo: "nowhere" } },
          ]);
        }
        if (request.lastUserText.includes("finished")) return textResponse("Branch ready.");
        return textResponse("Working on it.");
      }
      if (request.turnIndex === 0) return toolCallResponse([{ name: "where_am_i", input: {} }]);
      return toolCallResponse([{ name: "finish", input: { summary: `worked on ${last?.content}` } }]);
    });
    const surface = createMemorySurface(runtime);
    await surface.send("change the app");
    const finished = await surface.waitFor((event) => event.type === "agent-finished");
    expect(finished.summary).toBe("worked on threadwork/Coder");
    expect(finished.agent.result).toEqual({
      summary: "worked on threadwork/Coder",
      branch: "threadwork/Coder",
      commits: 1,
    });
    expect(created).toEqual([finished.agent.id]);
    const spawnResults = server.requests.find(
      (request) =>
        isSupervisorRequest(request) &&
        request.turnIndex === 1 &&
        briefOf(request).includes("change the app"),
    );
    expect(spawnResults?.lastToolResults[1]).toMatchObject({ isError: true });
    expect(spawnResults?.lastToolResults[1]?.content).toContain('Unknown repository "nowhere". Known: app.');
    await surface.waitFor((event) => event.type === "reply-completed" && event.text === "Branch ready.");
    surface.close();
  });
});
