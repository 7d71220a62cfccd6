import {
  resolveToolOptions,
  type WorkspaceToolOptions,
} from "../../adapters/workspace/workspace-tool-options.ts";
import type { AnyTool } from "../../domain/tool.ts";
import { commitTool } from "./commit.ts";
import { editFileTool } from "./edit-file.ts";
import { gitDiffTool } from "./git-diff.ts";
import { listFilesTool } from "./list-files.ts";
import { readFileTool } from "./read-file.ts";
import { runCommandTool } from "./run-command.ts";
import { searchTool } from "./search.ts";
import { writeFileTool } from "./write-file.ts";

/** The coding tools of a sub-agent with a workspace. Their names are a contract. */
export function createWorkspaceTools(options: WorkspaceToolOptions): AnyTool[] {
  const resolved = resolveToolOptions(options);
  return [
    listFilesTool(resolved),
    readFileTool(resolved),
    writeFileTool(resolved),
    editFileTool(resolved),
    searchTool(resolved),
    runCommandTool(resolved),
    gitDiffTool(resolved),
    commitTool(resolved),
  ];
}
