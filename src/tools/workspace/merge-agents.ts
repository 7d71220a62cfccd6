import { z } from "zod";
import type { MergeRequest, MergeResult } from "../../adapters/git/workspace-manager.ts";
import { branchNameProblem, integrationBranch, mergeTargetEffect } from "../../domain/branch-policy.ts";
import { type CheckOutcome, checkAtCommit, describeCheckOutcome } from "../../domain/environment.ts";
import { errorMessage, ToolError } from "../../domain/errors.ts";
import { defineTool, type ToolCallScope, type ToolContext, type Workspace } from "../../domain/tool.ts";

/** A finished sub-agent's branch, pinned to the commit it finished at. */
export interface MergeSource {
  agentId: string;
  workspace: Workspace;
  commit: string;
  /** The check the sub-agent finished with; absent when its repository has none. */
  check?: CheckOutcome;
}

/** The source's check as a verdict on the commit merged: one reached on another commit is none. */
function verdictOf(source: MergeSource): CheckOutcome | undefined {
  return source.check && checkAtCommit(source.check, source.commit);
}

/**
 * A branch whose check did not pass on the very commit merged is left out unless
 * `include_failed_checks` says otherwise.
 */
function checkNotPassed(source: MergeSource): boolean {
  const verdict = verdictOf(source);
  return verdict !== undefined && verdict.status !== "passed";
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
  include_failed_checks: z
    .boolean()
    .optional()
    .describe(
      "Also merge branches whose check failed or did not run. Needs a human's approval every time; " +
        "ask the user first, and say which checks failed.",
    ),
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
  return defineTool({
    name: "merge_agents",
    description:
      "Merge the branches of finished sub-agents of this session into an integration branch (default " +
      "threadwork/<session>/integration, or `into`). Clean merges are kept; a conflicting branch is left " +
      "out and its conflicting files and hunks are listed, so you can assign a fixer or ask the user. " +
      "Merging into any branch outside threadwork/<session>/ (such as the default branch) or into another " +
      "agent's branch waits for a human's approval. Only branches whose check passed (or whose repository " +
      "has no check) are merged; the others are left out and named, unless include_failed_checks is set.",
    input,
    risk: (request, scope) => (isRisky(request, scope) ? "risky" : "safe"),
    // A merge outside the session's branches is shown to a person every time: its sources' commits may
    // have moved since an earlier approval, which an "Always allow" on the same input would not see.
    // So is one that takes unverified branches: which checks failed changes from call to call.
    allowAlways: (request, scope) => !isRisky(request, scope),
    describe: (request, scope) => describeMerge(dependencies, request, scope),
    execute: (request, context) => executeMerge(dependencies, request, context),
  });
}

/** What the approver sees: the repository, the target, each source branch at its commit, and the push. */
function describeSources(
  dependencies: Pick<MergeAgentsDependencies, "pushTargetOf">,
  request: MergeAgentsInput,
  scope: ToolCallScope,
  sources: MergeSource[],
): string {
  const into = request.into ?? integrationBranch(scope.sessionId);
  const effect = mergeTargetEffect(scope.sessionId, request.into);
  const repoName = sources[0]?.workspace.repoName ?? "(none)";
  const pushTarget = dependencies.pushTargetOf(repoName);
  const unchecked = request.include_failed_checks ? sources.filter(checkNotPassed) : [];
  const lines = [
    `merge ${sources.length} branch${sources.length === 1 ? "" : "es"} into ${into} of repository ${repoName}, ` +
      (pushTarget ? `then push ${into} to ${pushTarget}` : "kept local (not pushed)"),
    ...(effect.reason ? [`Needs a human because ${effect.reason}.`] : []),
    ...(request.include_failed_checks
      ? [
          `Needs a human because it includes branches whose checks did not pass (${unchecked.length} of them).`,
        ]
      : []),
    ...sources.map((source) => {
      const verdict = verdictOf(source);
      return (
        `• ${source.workspace.branch} at ${source.commit.slice(0, 12)} (agent ${source.agentId})` +
        (verdict && verdict.status !== "passed" ? `, check ${describeCheckOutcome(verdict)}` : "")
      );
    }),
  ];
  return lines.join("\n");
}

async function describeMerge(
  dependencies: MergeAgentsDependencies,
  request: MergeAgentsInput,
  scope: ToolCallScope,
): Promise<string> {
  try {
    const sources = await dependencies.sourcesOf(uniqueIds(request.agent_ids), scope);
    return describeSources(dependencies, request, scope, sources);
  } catch (error) {
    // Asking for approval must not fail the step: the approver sees why it cannot run.
    const into = request.into ?? integrationBranch(scope.sessionId);
    return `merge agents ${request.agent_ids.join(", ")} into ${into} (cannot run as asked: ${errorMessage(error)})`;
  }
}

async function executeMerge(
  dependencies: MergeAgentsDependencies,
  request: MergeAgentsInput,
  context: ToolContext,
): Promise<string> {
  const sources = await dependencies.sourcesOf(uniqueIds(request.agent_ids), context);
  const risky = isRisky(request, context);
  if (risky && context.toolCallId && dependencies.approvedDescriptionOf) {
    // What runs is what was approved: the same sources at the same commits, same target and push.
    const approved = await dependencies.approvedDescriptionOf(context.agentId, context.toolCallId);
    if (approved === undefined || approved !== describeSources(dependencies, request, context, sources)) {
      throw new ToolError(
        "Nothing was merged: the branches or commits changed after the approval was asked. Call merge_agents again to ask anew.",
      );
    }
  }
  const leftOut = request.include_failed_checks ? [] : sources.filter(checkNotPassed);
  const merging = sources.filter((source) => !leftOut.includes(source));
  if (merging.length === 0) {
    return ["Nothing was merged.", ...leftOutLines(leftOut)].join("\n");
  }
  const result = await dependencies.mergeBranches({
    sessionId: context.sessionId,
    workspaces: merging.map((source) => ({ ...source.workspace, commit: source.commit })),
    ...(request.into ? { into: request.into } : {}),
  });
  const text = formatMergeResult(result);
  return leftOut.length === 0 ? text : [text, "", ...leftOutLines(leftOut)].join("\n");
}

/** Outside the session's branches, or taking branches whose checks did not pass: a human decides. */
function isRisky(request: MergeAgentsInput, scope: ToolCallScope): boolean {
  return (
    mergeTargetEffect(scope.sessionId, request.into).risk === "risky" ||
    request.include_failed_checks === true
  );
}

/** Why each branch was left out: its check's outcome (the agent's result has the output). */
function leftOutLines(sources: MergeSource[]): string[] {
  const lines = sources.flatMap((source) => {
    const verdict = verdictOf(source);
    return verdict
      ? [
          `Left out, its check did not pass: ${source.workspace.branch} (agent ${source.agentId}): ` +
            `\`${verdict.command}\` ${describeCheckOutcome(verdict)}.`,
        ]
      : [];
  });
  if (lines.length === 0) return [];
  return [
    ...lines,
    "Fix the branch (message its agent or spawn a fixer), or ask the user and call again with include_failed_checks.",
  ];
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
