import { z } from "zod";
import type { CommandLimits } from "../../adapters/process/command-limits.ts";
import { detectSandbox, sandboxRefusal } from "../../adapters/process/sandbox-probe.ts";
import { hasShellMetacharacters, normalizeCommand } from "../../adapters/workspace/command-allow-list.ts";
import { commandRisk } from "../../adapters/workspace/command-approval.ts";
import {
  cleanUpAfterCommand,
  commandQuotaPaths,
  runWorkspaceCommand,
  storableOutput,
} from "../../adapters/workspace/workspace-command.ts";
import {
  isOverQuota,
  overQuotaMessage,
  type WorkspaceUsage,
  workspaceUsage,
} from "../../adapters/workspace/workspace-quota.ts";
import {
  ensureHome,
  type ResolvedToolOptions,
  requireWorkspace,
} from "../../adapters/workspace/workspace-tool-options.ts";
import { ToolError } from "../../domain/errors.ts";
import { defineTool } from "../../domain/tool.ts";

function limitsInWords(limits: CommandLimits, quotaMb: number): string {
  return (
    `Limits per command: ${limits.cpuSeconds} CPU s, ${limits.memoryMb} MiB memory per process, ` +
    `${limits.maxProcesses} processes, ${limits.maxFileMb} MiB per file; the workspace, its home and ` +
    `/tmp share a ${quotaMb} MiB disk quota.`
  );
}

function description(options: ResolvedToolOptions): string {
  const common =
    "Run a shell command (bash -c) in the workspace root, e.g. tests or a build. " +
    `Timeout ${options.defaultTimeoutSeconds} s by default (timeout_s, at most ${options.maxTimeoutSeconds}). ` +
    "Output is capped, keeping the start and the end. Background processes are killed when the command exits. " +
    `${limitsInWords(options.commandLimits, options.workspaceQuotaMb)} .git is read-only (use the commit tool).`;
  if (options.sandbox === "off") {
    return (
      `${common} The sandbox is OFF on this deployment: the command runs with the service's own ` +
      "access to this machine and the network. Every command needs a human's approval."
    );
  }
  return (
    `${common} Commands run in a sandbox: no network, no secrets or tokens, and only the workspace, ` +
    "its home directory and a private /tmp are writable. If the sandbox is unavailable the tool refuses. " +
    "A repository whose policy allows network gives its commands network access: the result's first line then says `network on`."
  );
}

/** The repository's network policy for agent commands; off unless it says `on`. */
function networkOf(options: ResolvedToolOptions, repoName: string): "off" | "on" {
  return Object.hasOwn(options.repositoryNetwork, repoName)
    ? (options.repositoryNetwork[repoName] ?? "off")
    : "off";
}

export function runCommandTool(options: ResolvedToolOptions) {
  // What each workspace held after its last command: a tree walk per command, not two.
  const lastUsage = new Map<string, WorkspaceUsage>();
  return defineTool({
    name: "run_command",
    description: description(options),
    input: z.object({
      command: z.string().min(1),
      timeout_s: z.number().positive().optional(),
    }),
    risk: (input, scope) => commandRisk(options, scope.repoName, input.command),
    describe: (input) => `run \`${normalizeCommand(input.command)}\``,
    async execute(input, context) {
      const workspace = requireWorkspace(context);
      const sandbox = await detectSandbox(options.sandbox, options.sandboxSearchPath);
      if (sandbox.state === "unavailable") throw new ToolError(sandboxRefusal(sandbox.reason));
      const timeoutSeconds = Math.min(
        input.timeout_s ?? options.defaultTimeoutSeconds,
        options.maxTimeoutSeconds,
      );
      const home = await ensureHome(options.homeDirectory(workspace));
      const temporary = await ensureHome(options.temporaryDirectory(workspace));
      const quotaPaths = await commandQuotaPaths(workspace, home, temporary);
      const known = lastUsage.get(workspace.root);
      // Over the quota already, only a command that frees space runs, and it is not watched.
      let freeing = false;
      if (known === undefined || isOverQuota(known, options.workspaceQuotaMb)) {
        const before = await workspaceUsage(quotaPaths);
        lastUsage.set(workspace.root, before);
        freeing = isOverQuota(before, options.workspaceQuotaMb);
        if (freeing && !frees(input.command)) {
          throw new ToolError(overQuotaMessage(before, options.workspaceQuotaMb));
        }
      }
      const network = networkOf(options, workspace.repoName) === "on";
      const {
        process: result,
        status,
        sandboxed,
      } = await runWorkspaceCommand(options, sandbox, workspace, {
        command: input.command,
        network,
        timeoutSeconds,
        signal: context.signal,
        maxOutputBytes: options.maxOutputBytes,
        unwatched: freeing,
      }).catch((error: unknown) => {
        throw new ToolError(
          `Could not start the command: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
      const seconds = (result.durationMs / 1000).toFixed(2);
      const where = `${sandboxed ? ", sandboxed" : ", NOT sandboxed"}${sandboxed && network ? ", network on" : ""}`;
      const output = storableOutput(result.stdout);
      const { usage: after, removed } = await cleanUpAfterCommand(workspace, quotaPaths);
      lastUsage.set(workspace.root, after);
      const cleaned =
        removed.length === 0
          ? ""
          : `\n[Removed what git would block on or read without end (named pipes, sockets, symlinks or gitfiles in nested repositories): ${removed.slice(0, 10).join(", ")}${removed.length > 10 ? ", …" : ""}]`;
      const quota = isOverQuota(after, options.workspaceQuotaMb)
        ? `\n[${overQuotaMessage(after, options.workspaceQuotaMb)}]`
        : "";
      return `[${status}, ${seconds} s${where}]\n${output === "" ? "(no output)" : output}${quota}${cleaned}`;
    },
  });
}

/**
 * Over quota, only deleting makes sense: `rm …` and `git clean …` still run, and `chmod …`
 * to make readable again a directory the quota could not measure.
 */
function frees(command: string): boolean {
  return /^\s*(rm|git clean|chmod)\s/.test(command) && !hasShellMetacharacters(command);
}
