import type { ToolRisk } from "../../domain/tool.ts";
import { knownSandboxStatus } from "../process/sandbox-probe.ts";
import { isAllowedCommand } from "./command-allow-list.ts";
import type { WorkspaceToolOptions } from "./workspace-tool-options.ts";

export type CommandApprovalSettings = Pick<
  WorkspaceToolOptions,
  "allowCommands" | "repositoryAllowCommands" | "sandbox" | "sandboxSearchPath"
>;

/**
 * The command patterns that run without approval in a repository right now: the deployment's
 * and the repository's own, and none unless the sandbox is active. An allow-listed command
 * runs repository code the agent may have written: without the sandbox it could read every
 * secret, so it needs approval like any other. run_command decides with this, and a worker's
 * first message is written from it, so the two cannot say different things.
 */
export function commandsRunWithoutApproval(
  settings: CommandApprovalSettings,
  repoName: string | undefined,
): string[] {
  if (knownSandboxStatus(settings.sandbox, settings.sandboxSearchPath)?.state !== "active") return [];
  const own =
    repoName !== undefined &&
    settings.repositoryAllowCommands &&
    Object.hasOwn(settings.repositoryAllowCommands, repoName)
      ? settings.repositoryAllowCommands[repoName]
      : undefined;
  return [...new Set([...settings.allowCommands, ...(own ?? [])])];
}

export function commandRisk(
  settings: CommandApprovalSettings,
  repoName: string | undefined,
  command: string,
): ToolRisk {
  return isAllowedCommand(command, commandsRunWithoutApproval(settings, repoName)) ? "safe" : "risky";
}
