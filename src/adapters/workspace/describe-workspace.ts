import { directoriesNamedIn } from "../../domain/repository-instructions.ts";
import type { WorkspaceDescription, WorkspacesPort } from "../../domain/workspaces-port.ts";
import { readMetadata } from "../git/workspace-files.ts";
import { describeCommandRuntime } from "../process/node-runtime.ts";
import { detectSandbox } from "../process/sandbox-probe.ts";
import { type CommandApprovalSettings, commandsRunWithoutApproval } from "./command-approval.ts";
import { readRepositoryInstructions } from "./repository-instructions.ts";
import { nodeSettingOf, type WorkspaceToolSettings } from "./workspace-tool-options.ts";

export type DescribeSettings = CommandApprovalSettings &
  Pick<WorkspaceToolSettings, "hiddenPaths"> &
  Partial<Pick<WorkspaceToolSettings, "repositoryNode">>;

/**
 * `describeWorkspace` for the runtime's workspaces port: the base branch the manager recorded
 * beside the working copy, how commands run (the repository's network policy inside the sandbox,
 * the commands that run without approval as run_command decides them, the Node they run on),
 * its check command, and the repository's instruction files for the directories the brief names.
 */
export function workspaceDescriber(
  settings: () => DescribeSettings,
): NonNullable<WorkspacesPort["describeWorkspace"]> {
  return async ({ workspace, brief }): Promise<WorkspaceDescription> => {
    const current = settings();
    const sandboxed = current.sandbox !== "off";
    const [metadata, instructions, runtime] = await Promise.all([
      readMetadata(`${workspace.root}.json`),
      readRepositoryInstructions(workspace.root, directoriesNamedIn(brief)),
      describeCommandRuntime(nodeSettingOf(current.repositoryNode, workspace.repoName), {
        searchPath: process.env.PATH ?? "/usr/bin:/bin",
        sandboxed,
        hiddenPaths: current.hiddenPaths,
      }),
      // The allow-list applies only once the sandbox is known to be active.
      detectSandbox(current.sandbox, current.sandboxSearchPath),
    ]);
    return {
      baseBranch: metadata?.baseBranch,
      commands: {
        sandboxed,
        network: sandboxed && workspace.network === "on",
        allowList: commandsRunWithoutApproval(current, workspace.repoName),
        runtime,
      },
      checkCommand: workspace.check?.command,
      instructions,
    };
  };
}
