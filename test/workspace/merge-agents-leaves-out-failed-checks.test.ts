import { describe, expect, it } from "vitest";
import type { MergeRequest } from "../../src/adapters/git/workspace-manager.ts";
import type { CheckOutcome } from "../../src/domain/environment.ts";
import { riskOf } from "../../src/domain/tool.ts";
import { type MergeSource, mergeAgentsTool } from "../../src/tools/workspace/merge-agents.ts";
import { recordingMerge, toolContext } from "./repository-fixtures.ts";

const passed: CheckOutcome = {
  status: "passed",
  command: "npm test",
  exitCode: 0,
  durationMs: 2100,
  summary: "ok",
};
const failed: CheckOutcome = {
  status: "failed",
  command: "npm test",
  exitCode: 1,
  durationMs: 3400,
  summary: "not ok 1 - total adds the items",
};
const notRun: CheckOutcome = {
  status: "not-run",
  command: "npm test",
  exitCode: null,
  durationMs: 0,
  summary: "ended without finish",
};

function source(id: string, check?: CheckOutcome): MergeSource {
  return {
    agentId: id,
    workspace: {
      repoName: "demo",
      root: `/data/${id}`,
      branch: `threadwork/session-1/${id}`,
      baseCommit: "b",
    },
    commit: id.repeat(40),
    // Each verdict was reached on the commit that is merged (see moved-branch-is-not-merged-as-verified).
    ...(check ? { check: check.status === "not-run" ? check : { ...check, commit: id.repeat(40) } } : {}),
  };
}

function mergeTool(sources: MergeSource[], approved?: Map<string, string>) {
  const requests: MergeRequest[] = [];
  const tool = mergeAgentsTool({
    sourcesOf: async (agentIds) => sources.filter((candidate) => agentIds.includes(candidate.agentId)),
    pushTargetOf: () => undefined,
    approvedDescriptionOf: async (_agentId, toolCallId) => approved?.get(toolCallId),
    mergeBranches: recordingMerge(requests),
  });
  return { tool, requests };
}

describe("merge_agents and checks", () => {
  it("merges branches whose check passed or that have none, and names the ones it left out", async () => {
    const { tool, requests } = mergeTool([
      source("a", passed),
      source("b", failed),
      source("c"),
      source("d", notRun),
    ]);
    const output = await tool.execute(
      tool.input.parse({ agent_ids: ["a", "b", "c", "d"] }),
      toolContext(undefined),
    );
    expect(requests[0]?.workspaces.map((workspace) => workspace.branch)).toEqual([
      "threadwork/session-1/a",
      "threadwork/session-1/c",
    ]);
    expect(output).toContain("Merged cleanly: threadwork/session-1/a, threadwork/session-1/c.");
    expect(output).toContain(
      "Left out, its check did not pass: threadwork/session-1/b (agent b): `npm test` failed (exit code 1, 3.4 s).",
    );
    expect(output).toContain(
      "Left out, its check did not pass: threadwork/session-1/d (agent d): `npm test` not run: ended without finish.",
    );
    expect(output).toContain("include_failed_checks");
  });

  it("merges nothing when no branch passed", async () => {
    const { tool, requests } = mergeTool([source("b", failed)]);
    const output = await tool.execute(tool.input.parse({ agent_ids: ["b"] }), toolContext(undefined));
    expect(requests).toHaveLength(0);
    expect(output.split("\n")[0]).toBe("Nothing was merged.");
  });

  it("takes failed branches only when told, after a human approved exactly that", async () => {
    const scope = { sessionId: "session-1", agentId: "agent-1" };
    const approved = new Map<string, string>();
    const { tool, requests } = mergeTool([source("a", passed), source("b", failed)], approved);
    const input = tool.input.parse({ agent_ids: ["a", "b"], include_failed_checks: true });
    expect(riskOf(tool, tool.input.parse({ agent_ids: ["a", "b"] }), scope)).toBe("safe");
    expect(riskOf(tool, input, scope)).toBe("risky");
    expect(tool.allowAlways?.(input, scope)).toBe(false);
    const description = String(await tool.describe?.(input, scope));
    expect(description).toContain(
      "Needs a human because it includes branches whose checks did not pass (1 of them).",
    );
    expect(description).toContain(
      "• threadwork/session-1/b at bbbbbbbbbbbb (agent b), check failed (exit code 1, 3.4 s)",
    );

    const context = { ...toolContext(undefined), toolCallId: "call_1" };
    await expect(tool.execute(input, context)).rejects.toThrow("Nothing was merged");
    expect(requests).toHaveLength(0);
    approved.set("call_1", description);
    const output = await tool.execute(input, context);
    expect(requests[0]?.workspaces.map((workspace) => workspace.branch)).toEqual([
      "threadwork/session-1/a",
      "threadwork/session-1/b",
    ]);
    expect(output).not.toContain("Left out");
  });
});
