import { describe, expect, it } from "vitest";
import { buildApprovalAction } from "../../src/domain/approval-action.ts";
import { type MergeRecords, mergeSourcesFrom } from "../../src/tools/workspace/merge-sources.ts";

type StoredAgent = NonNullable<Awaited<ReturnType<MergeRecords["findAgent"]>>>;
type StoredRequest = NonNullable<Awaited<ReturnType<MergeRecords["findRequest"]>>>;

const commit = "0123456789abcdef0123456789abcdef01234567";
const workspace = { repoName: "widgets", root: "/data/w", branch: "threadwork/ses_1/docs", baseCommit: "b" };
const finished: StoredAgent = {
  sessionId: "ses_1",
  role: "worker",
  status: "done",
  workspace,
  result: { commit },
};

/** Records held in maps, as the database would return them. */
function records(agents: Record<string, StoredAgent>, requests: Record<string, StoredRequest> = {}) {
  return mergeSourcesFrom({
    findAgent: async (agentId) => agents[agentId],
    findRequest: async (_agentId, toolCallId) => requests[toolCallId],
  });
}

describe("merge_agents' sources", () => {
  const scope = { sessionId: "ses_1", agentId: "agt_supervisor" };

  it("pins each finished sub-agent of the session to the commit it finished at", async () => {
    expect(await records({ agt_a: finished }).sourcesOf(["agt_a"], scope)).toEqual([
      { agentId: "agt_a", workspace, commit },
    ]);
  });

  it("refuses other sessions' agents, supervisors, unknown ids, unfinished agents and missing commits", async () => {
    const lookup = records({
      agt_other: { ...finished, sessionId: "ses_2" },
      agt_supervisor: { ...finished, role: "supervisor" },
      agt_running: { ...finished, status: "running" },
      agt_nocommit: { ...finished, result: { summary: "done" } },
      agt_noworkspace: { ...finished, workspace: null },
    });
    const refusal = (agentId: string) => lookup.sourcesOf([agentId], scope);
    await expect(refusal("agt_other")).rejects.toThrow("No sub-agent agt_other in this session.");
    await expect(refusal("agt_supervisor")).rejects.toThrow("No sub-agent agt_supervisor in this session.");
    await expect(refusal("agt_missing")).rejects.toThrow("No sub-agent agt_missing in this session.");
    await expect(refusal("agt_running")).rejects.toThrow("is running; merge its branch once it has finished");
    await expect(refusal("agt_nocommit")).rejects.toThrow("finished without a commit to merge");
    await expect(refusal("agt_noworkspace")).rejects.toThrow("has no workspace to merge");
  });

  it("reads an approved description only from an approved approval", async () => {
    const action = buildApprovalAction({
      tool: "merge_agents",
      input: { agent_ids: ["agt_a"], into: "main" },
      description: "merge 1 branch into main",
      repo: null,
      branch: null,
    });
    const lookup = records(
      {},
      {
        call_approved: { kind: "approval", status: "approved", action },
        call_pending: { kind: "approval", status: "pending", action },
        call_question: { kind: "question", status: "answered", action: null },
      },
    );
    const described = (toolCallId: string) => lookup.approvedDescriptionOf?.("agt_supervisor", toolCallId);
    expect(await described("call_pending")).toBeUndefined();
    expect(await described("call_question")).toBeUndefined();
    expect(await described("call_missing")).toBeUndefined();
    expect(await described("call_approved")).toBe(action.description);
  });
});
