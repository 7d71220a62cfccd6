import { z } from "zod";
import type { MergeRequest, MergeResult } from "../../adapters/git/workspace-manager.ts";
import { branchNameProblem, integrationBranch, mergeTargetEffect } from "../../domain/branch-policy.ts";
import { errorMessage, ToolError } from "../../domain/errors.ts";
import { defineTool, type ToolCallScope, type Workspace } from "../../domain/tool.ts";

/** A finished sub-agent's branch, pinned to the commit it finished at. */
export interface MergeSource {
  agentId: string;
  workspace: Workspace;
  commit: string;
}

export interface MergeAgentsDependencies {
  /** Finished sub-agents of the calling session only; throws a ToolError for any other id. */
  sourcesOf(agentIds: string[], scope: ToolCallScope): Promise<MergeSource[]>;
  /** Where a merge in this repository is pushed (a URL without credentials), or undefined when it stays local. */
  pushTargetOf(repoName: string): string | undefined;
  /** Usually `workspaceManager.mergeBranches`. */
  mergeBranches(request: MergeRequest): Promise<MergeResult>;
  /** The description a human approved for this call, or undefined when none was asked (an allow rule). */
  approvedDescriptionOf?(agentId: string, toolCallId: string): Promise<string | undefined>;
}

const maxOutputCharacters = 20_000;

const input = z.object({
  // Plain ids only: an id is part of the "Always allow" pattern, where `*` would widen it.
  agent_ids: z
    .array(z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, { message: "must be an agent id" }))
    .min(1)
    .max(50),
  into: z
    .string()
    .superRefine((branch, context) => {
      const problem = branchNameProblem(branch);
      if (problem) context.addIssue({ code: "custom", message: `unusable branch name: ${problem}` });
    })
    .optional(),
});

type MergeAgentsInput = z.infer<typeof input>;

const uniqueIds = (ids: string[]) => [...new Set(ids)];

/**
 * Supervisor tool: merge sub-agents' branches into an integration branch, reporting
 * conflicts as hunks. Merging into this session's own branches is free; any other target
 * (the default branch, another session's or agent's branch) waits for a human, who sees
 * the repository, the target, each source branch with its commit, and where it is pushed.
 */
export function mergeAgentsTool(dependencies: MergeAgentsDependencies) {
  function describeSources(request: MergeAgentsInput, scope: ToolCallScope, sources: MergeSource[]) {
    const into = request.into ?? integrationBranch(scope.sessionId);
    const effect = mergeTargetEffect(scope.sessionId, request.into);
    const repoName = sources[0]?.workspace.repoName ?? "(none)";
    const pushTarget = dependencies.pushTargetOf(repoName);
    const lines = [
      `merge ${sources.length} branch${sources.length === 1 ? "" : "es"} into ${into} of repository ${repoName}, ` +
        (pushTarget ? `then push ${into} to ${pushTarget}` : "kept local (not pushed)"),
      ...(effect.reason ? [`Needs a human because ${effect.reason}.`] : []),
      ...sources.map(
        (source) => `• ${source.workspace.branch} at ${source.commit.slice(0, 12)} (agent ${source.agentId})`,
      ),
    ];
    return lines.join("\n");
  }

  async function describe(request: MergeAgentsInput, scope: ToolCallScope): Promise<string> {
    try {
      return describeSources(
        request,
        scope,
        await dependencies.sourcesOf(uniqueIds(request.agent_ids), scope),
      );
    } catch (error) {
      // Asking for approval must not fail the step: the approver sees why it cannot run.
      const into = request.into ?? integrationBranch(scope.sessionId);
      return `merge agents ${request.agent_ids.join(", ")} into ${into} (cannot run as asked: ${errorMessage(error)})`;
    }
  }

  return defineTool({
    name: "merge_agents",
    description:
      "Merge the branches of finished sub-agents of this session into an integration branch (default " +
      "threadwork/<session>/integration, or `into`). Clean merges are kept; a conflicting branch is left " +
      "out and its conflicting files and hunks are listed, so you can assign a fixer or ask the user. " +
      "Merging into any branch outside threadwork/<session>/ (such as the default branch) or into another " +
      "agent's branch waits for a human's approval.",
    input,
    risk: (request, scope) => mergeTargetEffect(scope.sessionId, request.into).risk,
    // A merge outside the session's branches is shown to a person every time: its sources' commits may
    // have moved since an earlier approval, which an "Always allow" on the same input would not see.
    allowAlways: (request, scope) => mergeTargetEffect(scope.sessionId, request.into).risk !== "risky",
    describe,
    async execute(request, context) {
      const sources = await dependencies.sourcesOf(uniqueIds(request.agent_ids), context);
      const risky = mergeTargetEffect(context.sessionId, request.into).risk === "risky";
      if (risky && context.toolCallId && dependencies.approvedDescriptionOf) {
        // What runs is what was approved: the same sources at the same commits, same target and push.
        const approved = await dependencies.approvedDescriptionOf(context.agentId, context.toolCallId);
        if (approved === undefined || approved !== describeSources(request, context, sources)) {
          throw new ToolError(
            "Nothing was merged: the branches or commits changed after the approval was asked. Call merge_agents again to ask anew.",
          );
        }
      }
      const result = await dependencies.mergeBranches({
        sessionId: context.sessionId,
        workspaces: sources.map((source) => ({ ...source.workspace, commit: source.commit })),
        ...(request.into ? { into: request.into } : {}),
      });
      return formatMergeResult(result);
    },
  });
}

export function formatMergeResult(result: MergeResult): string {
  const lines = [
    `Integration branch ${result.branch} is at ${result.commit.slice(0, 12)}${result.pushed ? " (pushed)" : ""}.`,
  ];
  if (result.merged.length > 0) lines.push(`Merged cleanly: ${result.merged.join(", ")}.`);
  if (result.conflicts.length === 0) lines.push("No conflicts.");
  for (const conflict of result.conflicts) {
    lines.push("", `Not merged, conflicts: ${conflict.branch}`);
    if (conflict.message) lines.push(`  ${conflict.message}`);
    for (const file of conflict.files) {
      lines.push(`  ${file.path}:`);
      for (const hunk of file.hunks) lines.push(...hunk.split("\n").map((line) => `    ${line}`));
    }
  }
  if (result.error) lines.push("", `Push failed: ${result.error}`);
  const text = lines.join("\n");
  return text.length > maxOutputCharacters ? `${text.slice(0, maxOutputCharacters)}\n[... cut ...]` : text;
}
