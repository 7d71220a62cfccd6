import { describe, expect, it } from "vitest";
import type { MergeRequest, MergeResult } from "../../src/adapters/git/workspace-manager.ts";
import { ToolError } from "../../src/domain/errors.ts";
import { riskOf, type Workspace } from "../../src/domain/tool.ts";
import { mergeAgentsTool } from "../../src/tools/workspace/merge-agents.ts";
import { toolContext } from "./repository-fixtures.ts";

describe("merge_agents", () => {
  it("maps agent ids to workspaces, merges, and reports conflicts as files and hunks", async () => {
    const requests: MergeRequest[] = [];
    const tool = mergeAgentsTool({
      sourcesOf: async (agentIds) =>
        agentIds.map((id) => ({
          agentId: id,
          workspace: { repoName: "demo", root: `/data/${id}`, branch: `threadwork/s/${id}`, baseCommit: "b" },
          commit: id.repeat(40),
        })),
      pushTargetOf: () => undefined,
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
    expect(requests[0]?.workspaces.map((workspace) => workspace.commit)).toEqual([
      "a".repeat(40),
      "b".repeat(40),
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

describe("merge_agents risk and description", () => {
  const scope = { sessionId: "ses_1", agentId: "agt_supervisor" };
  const tool = mergeAgentsTool({
    sourcesOf: async (agentIds, callScope) => {
      if (agentIds.includes("agt_other")) throw new ToolError("No sub-agent agt_other in this session.");
      return agentIds.map((id) => ({
        agentId: id,
        workspace: {
          repoName: "widgets",
          root: `/data/${id}`,
          branch: `threadwork/${callScope.sessionId}/docs-0a1b2c`,
          baseCommit: "b",
        },
        commit: "0123456789abcdef0123456789abcdef01234567",
      }));
    },
    pushTargetOf: () => "http://git.example/acme/widgets.git",
    mergeBranches: async () => {
      throw new Error("not in this test");
    },
  });
  const riskFor = (into: string | undefined) =>
    riskOf(tool, tool.input.parse({ agent_ids: ["agt_a"], ...(into === undefined ? {} : { into }) }), scope);

  it("keeps merges into the session's own branches free", () => {
    expect(riskFor(undefined)).toBe("safe");
    expect(riskFor("threadwork/ses_1/integration")).toBe("safe");
    expect(riskFor("threadwork/ses_1/release-candidate")).toBe("safe");
  });

  it("needs a human for the default branch, other sessions, other agents and other refs", () => {
    for (const into of [
      "main",
      "master",
      "develop",
      "threadwork/ses_2/integration",
      "threadwork/ses_1/docs-0a1b2c",
      "threadwork/ses_1x/integration",
      "threadwork/ses_1",
      "heads/main",
      "release/ses_1/integration",
    ]) {
      expect([into, riskFor(into)]).toEqual([into, "risky"]);
    }
  });

  it('offers no "Always allow" outside the session\'s branches, and plain agent ids only', () => {
    const scope = { sessionId: "ses_1", agentId: "agt_supervisor" };
    const allowAlways = (input: unknown) => tool.allowAlways?.(tool.input.parse(input), scope);
    expect(allowAlways({ agent_ids: ["agt_a"], into: "main" })).toBe(false);
    expect(allowAlways({ agent_ids: ["agt_a"], into: "threadwork/ses_2/integration" })).toBe(false);
    expect(allowAlways({ agent_ids: ["agt_a"] })).toBe(true);
    expect(tool.input.safeParse({ agent_ids: ["agt_a*"], into: "main" }).success).toBe(false);
  });

  it("refuses refspecs, full refs, traversal, whitespace and look-alike characters as input", () => {
    for (const into of [
      "main:refs/heads/x",
      "+main",
      "refs/heads/main",
      "HEAD",
      "threadwork/ses_1/../../main",
      "threadwork/ses_1/integration ",
      " main",
      "ma\u0456n",
      "threadwork\u2215ses_1\u2215integration",
      "main@{1}",
      "main^",
      "main~1",
      "-main",
      "main.lock",
      "a//b",
      "",
    ]) {
      expect([into, tool.input.safeParse({ agent_ids: ["agt_a"], into }).success]).toEqual([into, false]);
    }
  });

  it("tells the approver the repository, target, source commits and where it is pushed", async () => {
    const text = await tool.describe?.(
      tool.input.parse({ agent_ids: ["agt_a", "agt_a"], into: "main" }),
      scope,
    );
    expect(text).toBe(
      [
        "merge 1 branch into main of repository widgets, then push main to http://git.example/acme/widgets.git",
        "Needs a human because main is outside this session's branches (threadwork/ses_1/…): it may be the default branch or belong to someone else.",
        "• threadwork/ses_1/docs-0a1b2c at 0123456789ab (agent agt_a)",
      ].join("\n"),
    );
    const refused = await tool.describe?.(
      tool.input.parse({ agent_ids: ["agt_other"], into: "main" }),
      scope,
    );
    expect(refused).toContain("cannot run as asked: No sub-agent agt_other in this session.");
  });
});

describe("merge_agents runs what was approved", () => {
  it("refuses when the sources' commits changed after the approval, merges when they did not", async () => {
    const scope = { sessionId: "ses_1", agentId: "agt_supervisor" };
    let commit = "1111111111111111111111111111111111111111";
    const approved = new Map<string, string>();
    const merges: MergeRequest[] = [];
    const tool = mergeAgentsTool({
      sourcesOf: async (agentIds) =>
        agentIds.map((id) => ({
          agentId: id,
          workspace: {
            repoName: "widgets",
            root: `/data/${id}`,
            branch: "threadwork/ses_1/docs-0a1b2c",
            baseCommit: "b",
          },
          commit,
        })),
      pushTargetOf: () => "http://git.example/acme/widgets.git",
      approvedDescriptionOf: async (_agentId, toolCallId) => approved.get(toolCallId),
      mergeBranches: async (request) => {
        merges.push(request);
        return {
          branch: request.into ?? "",
          commit,
          merged: ["threadwork/ses_1/docs-0a1b2c"],
          conflicts: [],
          workspace: request.workspaces[0] as Workspace,
          pushed: true,
        };
      },
    });
    const input = tool.input.parse({ agent_ids: ["agt_a"], into: "main" });
    const context = {
      ...scope,
      toolCallId: "call_1",
      signal: new AbortController().signal,
      workspace: undefined,
    };
    approved.set("call_1", String(await tool.describe?.(input, scope)));

    commit = "2222222222222222222222222222222222222222";
    await expect(tool.execute(input, context)).rejects.toThrow(
      /Nothing was merged: the branches or commits changed/,
    );
    expect(merges).toHaveLength(0);

    commit = "1111111111111111111111111111111111111111";
    await tool.execute(input, context);
    expect(merges[0]?.workspaces[0]?.commit).toBe(commit);
  });
});
