import { z } from "zod";
import { diffAgainst } from "../../adapters/git/working-copy.ts";
import { requireStageableWorkspace } from "../../adapters/workspace/workspace-quota.ts";
import {
  type ResolvedToolOptions,
  requireWorkspace,
} from "../../adapters/workspace/workspace-tool-options.ts";
import { defineTool } from "../../domain/tool.ts";

export function gitDiffTool(options: ResolvedToolOptions) {
  return defineTool({
    name: "git_diff",
    description:
      "Unified diff of everything changed in the workspace since the agent's branch started, " +
      "committed or not, new files included.",
    input: z.object({}),
    risk: "safe",
    async execute(_input, context) {
      const workspace = requireWorkspace(context);
      await requireStageableWorkspace(options, workspace, "compared");
      const diff = await diffAgainst(workspace.root, workspace.baseCommit, {
        maxOutputBytes: options.maxDiffBytes,
      });
      return diff === "" ? "No changes." : diff;
    },
  });
}
