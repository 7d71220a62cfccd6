import { z } from "zod";
import { commitAll, currentBranch } from "../../adapters/git/working-copy.ts";
import { requireStageableWorkspace } from "../../adapters/workspace/workspace-quota.ts";
import {
  type ResolvedToolOptions,
  requireWorkspace,
} from "../../adapters/workspace/workspace-tool-options.ts";
import { defineTool } from "../../domain/tool.ts";

export function commitTool(options: ResolvedToolOptions) {
  return defineTool({
    name: "commit",
    description:
      "Stage every change in the workspace (new and deleted files too) and commit it on the agent's branch.",
    input: z.object({ message: z.string().min(1) }),
    risk: "safe",
    describe: (input) => `commit "${input.message.split("\n")[0] ?? ""}"`,
    async execute(input, context) {
      const workspace = requireWorkspace(context);
      await requireStageableWorkspace(options, workspace, "committed");
      const result = await commitAll(
        workspace.root,
        input.message,
        options.identity ? { identity: options.identity } : {},
      );
      if (!result.committed) return "Nothing to commit: the working tree is clean.";
      const branch = (await currentBranch(workspace.root)) ?? "(detached HEAD)";
      const { files, insertions, deletions } = result.stats;
      return `Committed ${result.commit.slice(0, 12)} on ${branch}: ${files} files changed, +${insertions} -${deletions}.`;
    },
  });
}
