import { z } from "zod";
import { getAgent } from "../adapters/database/agents.ts";
import type { Database } from "../adapters/database/open-database.ts";
import { findRequestForToolCall } from "../adapters/database/requests.ts";
import { parseApprovalAction } from "../domain/approval-action.ts";
import { ToolError } from "../domain/errors.ts";
import { parseWorkspace, type ToolCallScope } from "../domain/tool.ts";
import type { MergeSource } from "../tools/workspace/merge-agents.ts";

const finishedResultSchema = z.object({ commit: z.string().regex(/^[0-9a-f]{40}$/) });

/**
 * `merge_agents`'s view of the database: only sub-agents of the calling session, only
 * once they have finished, each pinned to the commit it finished at. A merge therefore
 * takes exactly the commits its approval showed, not whatever a branch holds later.
 */
export function createMergeSources(db: Database) {
  return async function sourcesOf(agentIds: string[], scope: ToolCallScope): Promise<MergeSource[]> {
    const sources: MergeSource[] = [];
    for (const agentId of agentIds) {
      const agent = await getAgent(db, agentId);
      if (!agent || agent.sessionId !== scope.sessionId || agent.role !== "worker") {
        throw new ToolError(`No sub-agent ${agentId} in this session.`);
      }
      const workspace = parseWorkspace(agent.workspace);
      if (!workspace) throw new ToolError(`Sub-agent ${agentId} has no workspace to merge.`);
      if (agent.status !== "done") {
        throw new ToolError(
          `Sub-agent ${agentId} is ${agent.status}; merge its branch once it has finished.`,
        );
      }
      const result = finishedResultSchema.safeParse(agent.result);
      if (!result.success) {
        throw new ToolError(`Sub-agent ${agentId} finished without a commit to merge (see its result).`);
      }
      sources.push({ agentId, workspace, commit: result.data.commit });
    }
    return sources;
  };
}

/** The description an approver saw for this call, when a human approved it. */
export function createApprovedDescriptions(db: Database) {
  return async function approvedDescriptionOf(agentId: string, toolCallId: string) {
    const request = await findRequestForToolCall(db, agentId, toolCallId);
    if (request?.kind !== "approval" || request.status !== "approved") return undefined;
    return parseApprovalAction(request.action)?.description ?? "";
  };
}
