import { describe, expect, it } from "vitest";
import { getSession } from "../../src/adapters/database/sessions.ts";
import type { McpServerListing } from "../../src/domain/mcp.ts";
import type { SessionSettings } from "../../src/domain/session-settings.ts";
import type { FakeLlmRequest, FakeLlmResponse } from "../fakes/fake-llm-server.ts";
import { textResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import { ScriptedMcpServers, stdioServerConfig } from "../fakes/scripted-mcp-servers.ts";
import { backends } from "../helpers/database.ts";
import { eventually } from "../helpers/eventually.ts";
import { isSupervisorRequest, testConfig } from "../helpers/runtime-harness.ts";
import { useTestRuntime } from "../helpers/test-runtime-per-describe.ts";
import { spawnWorkerForTask } from "./support/scripted-agents.ts";

function listing(server: string, tools: string[]): McpServerListing {
  return {
    server,
    tools: tools.map((name) => ({ server, name, description: name, inputSchema: { type: "object" } })),
  };
}

function respond(request: FakeLlmRequest): FakeLlmResponse {
  if (isSupervisorRequest(request)) return spawnWorkerForTask(request) ?? textResponse("OK.");
  return toolCallResponse([{ name: "finish", input: { summary: "done" } }]);
}

describe.each(backends)("a session's channel settings on %s", (backend) => {
  const servers = new ScriptedMcpServers({
    configs: [stdioServerConfig("docs"), stdioServerConfig("tickets"), stdioServerConfig("shell")],
    listings: [
      listing("docs", ["search"]),
      listing("tickets", ["read", "delete"]),
      listing("shell", ["run"]),
    ],
    secrets: [],
    async handle() {
      return { content: [], isError: false };
    },
  });
  const world = useTestRuntime(backend, {
    mcpServers: servers,
    config: testConfig({ sessionBudgetUsd: 50 }, ["U0DEPLOYAPPROVER"]),
    respond,
  });

  async function start(settings: SessionSettings | undefined, text: string) {
    const outcome = await world.runtime.handle({
      type: "user-message",
      key: { surface: "memory", conversationKey: `settings-${Math.random().toString(36).slice(2)}` },
      userId: "U0OWNER",
      text,
      metadata: settings ? { settings } : {},
    });
    if (outcome.type !== "message-accepted") throw new Error(outcome.type);
    return outcome.sessionId;
  }

  it("runs on the channel's models and budget, offers only the channel's MCP tools, and lets its approvers decide", async () => {
    const sessionId = await start(
      {
        models: { supervisor: "anthropic:claude-opus-5", worker: "anthropic:claude-sonnet-5-5" },
        budgetUsd: 2,
        approverIds: ["U0CHANNELAPPROVER"],
        approvalPolicy: "approvers-only",
        mcpServers: ["docs", "tickets"],
        mcpTools: ["tickets:read"],
      },
      "task: look around",
    );
    expect((await getSession(world.handle.db, sessionId))?.budgetMicros).toBe(2_000_000);
    const agents = await eventually(async () => {
      const listed = await world.runtime.listAgents(sessionId);
      return listed.length === 2 ? listed : undefined;
    });
    expect(agents.map((agent) => agent.model).sort()).toEqual([
      "anthropic:claude-opus-5",
      "anthropic:claude-sonnet-5-5",
    ]);
    const worker = await eventually(() =>
      world.server.requests.find(
        (request) => !isSupervisorRequest(request) && request.lastUserText.includes("look around"),
      ),
    );
    expect(worker.toolNames.filter((name) => name.includes("__")).sort()).toEqual([
      "docs__search",
      "tickets__read",
    ]);
    // approvers-only: the channel's approver and the deployment's decide, the owner does not.
    expect(await world.runtime.canDecide(sessionId, "U0CHANNELAPPROVER", "approval")).toBe(true);
    expect(await world.runtime.canDecide(sessionId, "U0DEPLOYAPPROVER", "approval")).toBe(true);
    expect(await world.runtime.canDecide(sessionId, "U0OWNER", "approval")).toBe(false);
    expect(await world.runtime.canDecide(sessionId, "U0OWNER", "stop")).toBe(true);
  });

  it("keeps the deployment's configuration for a session without settings", async () => {
    const sessionId = await start(undefined, "task: plain");
    expect((await getSession(world.handle.db, sessionId))?.budgetMicros).toBe(50_000_000);
    const worker = await eventually(() =>
      world.server.requests.find(
        (request) => !isSupervisorRequest(request) && request.lastUserText.includes("plain"),
      ),
    );
    expect(worker.toolNames.filter((name) => name.includes("__")).sort()).toEqual([
      "docs__search",
      "shell__run",
      "tickets__delete",
      "tickets__read",
    ]);
    expect(await world.runtime.canDecide(sessionId, "U0CHANNELAPPROVER", "approval")).toBe(false);
    expect(await world.runtime.canDecide(sessionId, "U0OWNER", "approval")).toBe(true);
  });
});
