import { z } from "zod";
import type { MergeRequest, MergeResult } from "../../adapters/git/workspace-manager.ts";
import { defineTool, type ToolContext, type Workspace } from "../../domain/tool.ts";

export interface MergeAgentsDependencies {
  /** The workspaces of these sub-agents of the calling session; throws a ToolError for unknown ids. */
  workspacesOf(agentIds: string[], context: ToolContext): Promise<Workspace[]>;
  /** Usually `workspaceManager.mergeBranches`. */
  mergeBranches(request: MergeRequest): Promise<MergeResult>;
}

const maxOutputCharacters = 20_000;

/** Supervisor tool: merge sub-agents' branches into an integration branch, reporting conflicts as hunks. */
export function mergeAgentsTool(dependencies: MergeAgentsDependencies) {
  return defineTool({
    name: "merge_agents",
    description:
      "Merge the branches of finished sub-agents into an integration branch (default " +
      "threadwork/<session>/integration, or `into`). Clean merges are kept; a conflicting branch is left " +
      "out and its conflicting files and hunks are listed, so you can assign a fixer or ask the user.",
    input: z.object({
      agent_ids: z.array(z.string().min(1)).min(1),
      into: z.string().optional(),
    }),
    risk: "safe",
    describe: (input) =>
      `merge ${input.agent_ids.length} agents' branches${input.into ? ` into ${input.into}` : ""}`,
    async execute(input, context) {
      const workspaces = await dependencies.workspacesOf(input.agent_ids, context);
      const result = await dependencies.mergeBranches({
        sessionId: context.sessionId,
        workspaces,
        ...(input.into ? { into: input.into } : {}),
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
