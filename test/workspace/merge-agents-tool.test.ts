import { describe, expect, it } from "vitest";
import type { MergeRequest, MergeResult } from "../../src/adapters/git/workspace-manager.ts";
import { mergeAgentsTool } from "../../src/tools/workspace/merge-agents.ts";
import { toolContext } from "./repository-fixtures.ts";

describe("merge_agents", () => {
  it("maps agent ids to workspaces, merges, and reports conflicts as files and hunks", async () => {
    const requests: MergeRequest[] = [];
    const tool = mergeAgentsTool({
      workspacesOf: async (agentIds) =>
        agentIds.map((id) => ({
          repoName: "demo",
          root: `/data/${id}`,
          branch: `threadwork/s/${id}`,
          baseCommit: "b",
        })),
      mergeBranches: async (request): Promise<MergeResult> => {
        requests.push(request);
        return {
          branch: "threadwork/session-1/integration",
          commit: "0123456789abcdef",
          merged: ["threadwork/s/a"],
          conflicts: [
            {
              branch: "threadwork/s/b",
              files: [{ path: "x.txt", hunks: ["<<<<<<< HEAD\n1\n=======\n2\n>>>>>>> b"] }],
            },
          ],
          workspace: {
            repoName: "demo",
            root: "/data/_merge",
            branch: "threadwork/session-1/integration",
            baseCommit: "b",
          },
          pushed: false,
        };
      },
    });
    const output = await tool.execute(tool.input.parse({ agent_ids: ["a", "b"] }), toolContext(undefined));
    expect(requests[0]?.sessionId).toBe("session-1");
    expect(requests[0]?.workspaces.map((workspace) => workspace.branch)).toEqual([
      "threadwork/s/a",
      "threadwork/s/b",
    ]);
    expect(output).toBe(
      [
        "Integration branch threadwork/session-1/integration is at 0123456789ab.",
        "Merged cleanly: threadwork/s/a.",
        "",
        "Not merged, conflicts: threadwork/s/b",
        "  x.txt:",
        "    <<<<<<< HEAD",
        "    1",
        "    =======",
        "    2",
        "    >>>>>>> b",
      ].join("\n"),
    );
  });
});
