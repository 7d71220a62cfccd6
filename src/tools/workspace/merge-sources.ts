import { z } from "zod";
import type { AgentRole, AgentStatus } from "../../domain/agents.ts";
import { parseApprovalAction } from "../../domain/approval-action.ts";
import { ToolError } from "../../domain/errors.ts";
import type { RequestKind, RequestStatus } from "../../domain/requests.ts";
import { parseWorkspace, type ToolCallScope } from "../../domain/tool.ts";
import type { MergeAgentsDependencies, MergeSource } from "./merge-agents.ts";

/** What `merge_agents` reads of stored agents and approvals; the application wires it to storage. */
export interface MergeRecords {
  findAgent(
    agentId: string,
  ): Promise<
    | { sessionId: string; role: AgentRole; status: AgentStatus; workspace: unknown; result: unknown }
    | undefined
  >;
  /** The human request a tool call raised, if any. */
  findRequest(
    agentId: string,
    toolCallId: string,
  ): Promise<{ kind: RequestKind; status: RequestStatus; action: unknown } | undefined>;
}

const finishedResultSchema = z.object({
  commit: z.string().regex(/^[0-9a-f]{40}$/),
  check: z
    .object({
      status: z.enum(["passed", "failed", "not-run"]),
      command: z.string(),
      exitCode: z.number().nullable().optional(),
      durationMs: z.number(),
      summary: z.string(),
      commit: z
        .string()
        .regex(/^[0-9a-f]{40}$/)
        .optional(),
    })
    .optional()
    .catch(undefined),
});

/**
 * `merge_agents`'s view of the records: only sub-agents of the calling session, only once
 * they have finished, each pinned to the commit it finished at. A merge therefore takes
 * exactly the commits its approval showed, not whatever a branch holds later.
 */
export function mergeSourcesFrom(
  records: MergeRecords,
): Pick<MergeAgentsDependencies, "sourcesOf" | "approvedDescriptionOf"> {
  return {
    async sourcesOf(agentIds: string[], scope: ToolCallScope): Promise<MergeSource[]> {
      const sources: MergeSource[] = [];
      for (const agentId of agentIds) {
        const agent = await records.findAgent(agentId);
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
        const check = result.data.check;
        sources.push({
          agentId,
          workspace,
          commit: result.data.commit,
          ...(check
            ? {
                check: {
                  status: check.status,
                  command: check.command,
                  exitCode: check.exitCode ?? null,
                  durationMs: check.durationMs,
                  summary: check.summary,
                  ...(check.commit ? { commit: check.commit } : {}),
                },
              }
            : {}),
        });
      }
      return sources;
    },
    /** The description an approver saw for this call, when a human approved it. */
    async approvedDescriptionOf(agentId: string, toolCallId: string) {
      const request = await records.findRequest(agentId, toolCallId);
      if (request?.kind !== "approval" || request.status !== "approved") return undefined;
      return parseApprovalAction(request.action)?.description ?? "";
    },
  };
}
