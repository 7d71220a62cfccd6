import { describe, expect, it } from "vitest";
import { buildApprovalAction } from "../../src/domain/approval-action.ts";
import type { RequestSnapshot } from "../../src/domain/requests.ts";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { renderApproval } from "../../src/surfaces/slack/blocks/approval.ts";
import { renderMcpServerUnavailable } from "../../src/surfaces/slack/blocks/mcp-server-unavailable.ts";
import { renderEvent } from "../../src/surfaces/terminal/terminal-render.ts";
import { mcpTool } from "../../src/tools/mcp/mcp-tool.ts";
import { ScriptedMcpServers, stdioServerConfig } from "../fakes/scripted-mcp-servers.ts";
import { blockLimitError } from "../fakes/slack-block-limits.ts";
import { pendingRequest } from "../helpers/pending-request.ts";
import { findButton } from "./support/harness.ts";

const servers = new ScriptedMcpServers({
  configs: [stdioServerConfig("everything")],
  listings: [],
  async handle() {
    return { content: [], isError: false };
  },
});

const tool = mcpTool({
  descriptor: {
    server: "everything",
    name: "get-sum",
    description: "Returns the sum of two numbers",
    inputSchema: { type: "object" },
    annotations: { readOnlyHint: true, destructiveHint: false },
  },
  name: "everything__get-sum",
  inputJsonSchema: { type: "object", properties: {} },
  risk: "risky",
  role: "worker",
  servers,
  onUnavailable: () => undefined,
});

async function approvalFor(input: Record<string, unknown>): Promise<RequestSnapshot> {
  const description = await tool.describe?.(input, { sessionId: "s", agentId: "a" });
  return pendingRequest({
    agentTitle: "Worker",
    kind: "approval",
    prompt: `Worker wants to: ${description?.split("\n")[0]}`,
    action: buildApprovalAction({
      tool: tool.name,
      input,
      description: description ?? "",
      repo: null,
      branch: null,
    }),
  });
}

describe("MCP tools in Slack and at the terminal", () => {
  it("show the approver the server, the tool, its claims and the whole input, with every button", async () => {
    const input = { a: 1, b: 2, note: "x".repeat(3_000) };
    const rendered = renderApproval(await approvalFor(input));
    expect(blockLimitError({ text: rendered.text, blocks: rendered.blocks })).toBeUndefined();
    const json = JSON.stringify(rendered.blocks);
    expect(json).toContain("*Tool:* `everything__get-sum`");
    expect(json).toContain('MCP server \\"everything\\", tool \\"get-sum\\"');
    expect(json).toContain("The server claims (unverified): read-only: true; destructive: false.");
    // All of the input, in full.
    expect(json.match(/x+/g)?.reduce((sum, run) => sum + run.length, 0)).toBeGreaterThanOrEqual(3_000);
    for (const actionId of [actionIds.approve, actionIds.deny, actionIds.alwaysAllow]) {
      expect(findButton(rendered.blocks, actionId)).toBeDefined();
    }
  });

  it("say once in the thread that a server is unavailable, escaped", () => {
    const rendered = renderMcpServerUnavailable("Worker <!here>", "everything", "exited <@U1> with code 1");
    expect(blockLimitError({ text: rendered.text, blocks: rendered.blocks })).toBeUndefined();
    const json = JSON.stringify(rendered.blocks);
    expect(json).toContain("`everything`");
    expect(json).not.toContain("<!here>");
    expect(json).not.toContain("<@U1>");
    const line = renderEvent(
      {
        type: "mcp-server-unavailable",
        sessionId: "s",
        agentId: "a",
        agentTitle: "Worker",
        server: "everything",
        reason: "exited\u001b[2J with code 1",
      },
      () => 1,
    );
    expect(line?.text).toBe(
      "  ✗ Worker: MCP server everything is unavailable: exited⟦U+001B⟧[2J with code 1",
    );
  });
});
