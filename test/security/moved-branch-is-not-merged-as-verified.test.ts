import { describe, expect, it } from "vitest";
import type { MergeRequest } from "../../src/adapters/git/workspace-manager.ts";
import { mergeAgentsTool } from "../../src/tools/workspace/merge-agents.ts";
import { mergeSourcesFrom } from "../../src/tools/workspace/merge-sources.ts";
import { recordingMerge, toolContext } from "../workspace/repository-fixtures.ts";

const checked = "c".repeat(40);
const moved = "d".repeat(40);

function finishedWorker(id: string, commit: string, checkCommit: string | undefined) {
  return {
    sessionId: "session-1",
    role: "worker" as const,
    status: "done" as const,
    workspace: {
      repoName: "demo",
      root: `/data/${id}`,
      branch: `threadwork/session-1/${id}`,
      baseCommit: "b",
    },
    result: {
      summary: "Done.",
      commit,
      check: {
        status: "passed",
        command: "npm test",
        exitCode: 0,
        durationMs: 900,
        summary: "# pass 1",
        ...(checkCommit ? { commit: checkCommit } : {}),
      },
    },
  };
}

/**
 * A passing verdict vouches for the one commit it was reached on. A branch whose recorded
 * commit is not the checked one (it moved after the check, or its verdict names no commit)
 * is not verified: `merge_agents` leaves it out, and what it merges is the checked commit itself.
 */
describe("a branch is merged as verified only at the commit its check passed on", () => {
  const workers = new Map([
    ["same", finishedWorker("same", checked, checked)],
    ["moved", finishedWorker("moved", moved, checked)],
    ["unnamed", finishedWorker("unnamed", moved, undefined)],
  ]);
  const requests: MergeRequest[] = [];
  const tool = mergeAgentsTool({
    ...mergeSourcesFrom({
      findAgent: async (agentId) => workers.get(agentId),
      findRequest: async () => undefined,
    }),
    pushTargetOf: () => undefined,
    mergeBranches: recordingMerge(requests),
  });

  it("leaves out a branch whose head is not the commit that passed", async () => {
    const output = await tool.execute(
      tool.input.parse({ agent_ids: ["same", "moved", "unnamed"] }),
      toolContext(undefined),
    );
    expect(requests).toHaveLength(1);
    expect(requests[0]?.workspaces.map((workspace) => [workspace.branch, workspace.commit])).toEqual([
      ["threadwork/session-1/same", checked],
    ]);
    expect(output).toContain("Merged cleanly: threadwork/session-1/same.");
    expect(output).toContain("Left out, its check did not pass: threadwork/session-1/moved (agent moved)");
    expect(output).toContain(
      `it passed on ${checked.slice(0, 12)}, not on ${moved.slice(0, 12)}, the commit to merge`,
    );
    expect(output).toContain(
      "Left out, its check did not pass: threadwork/session-1/unnamed (agent unnamed)",
    );
  });
});
