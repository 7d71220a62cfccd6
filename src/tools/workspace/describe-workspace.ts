import { readMetadata } from "../../adapters/git/workspace-files.ts";
import type { WorkspaceToolSettings } from "../../adapters/git/workspace-manager.ts";
import { directoriesNamedIn } from "../../domain/repository-instructions.ts";
import type { WorkspaceDescription, WorkspacesPort } from "../../domain/workspaces-port.ts";
import { readRepositoryInstructions } from "./repository-instructions.ts";

/**
 * `describeWorkspace` for the runtime's workspaces port: the base branch the manager recorded
 * beside the working copy, how commands run (the repository's network policy inside the sandbox),
 * its check command, and the repository's instruction files for the directories the brief names.
 */
export function workspaceDescriber(
  settings: () => Pick<WorkspaceToolSettings, "allowCommands" | "sandbox">,
): NonNullable<WorkspacesPort["describeWorkspace"]> {
  return async ({ workspace, brief }): Promise<WorkspaceDescription> => {
    const { allowCommands, sandbox } = settings();
    const [metadata, instructions] = await Promise.all([
      readMetadata(`${workspace.root}.json`),
      readRepositoryInstructions(workspace.root, directoriesNamedIn(brief)),
    ]);
    return {
      baseBranch: metadata?.baseBranch,
      commands: {
        sandboxed: sandbox !== "off",
        network: sandbox !== "off" && workspace.network === "on",
        allowList: allowCommands,
      },
      checkCommand: workspace.check?.command,
      instructions,
    };
  };
}
