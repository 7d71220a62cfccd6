import { join } from "node:path";
import { z } from "zod";
import { type CommandLimits, describeLimitExit } from "../../adapters/process/command-limits.ts";
import { runProcess } from "../../adapters/process/run-process.ts";
import { planSandboxedShell } from "../../adapters/process/sandbox.ts";
import { detectSandbox, knownSandboxStatus, sandboxRefusal } from "../../adapters/process/sandbox-probe.ts";
import { scrubbedEnvironment } from "../../adapters/process/scrubbed-environment.ts";
import { ToolError } from "../../domain/errors.ts";
import { defineTool } from "../../domain/tool.ts";
import { hasShellMetacharacters, isAllowedCommand, normalizeCommand } from "./command-allow-list.ts";
import { isGitHazard, removeGitHazards } from "./git-hazards.ts";
import { isOverQuota, overQuotaMessage, watchQuota, workspaceBytes } from "./workspace-quota.ts";
import { ensureHome, type ResolvedToolOptions, requireWorkspace } from "./workspace-tool-options.ts";

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
    "its home directory and a private /tmp are writable. If the sandbox is unavailable the tool refuses."
  );
}

/** The deployment's patterns and those of the caller's repository. */
function allowedPatterns(options: ResolvedToolOptions, repoName: string | undefined): string[] {
  const own =
    repoName !== undefined && Object.hasOwn(options.repositoryAllowCommands, repoName)
      ? options.repositoryAllowCommands[repoName]
      : undefined;
  return [...options.allowCommands, ...(own ?? [])];
}

export function runCommandTool(options: ResolvedToolOptions) {
  // Bytes each workspace held after its last command: a tree walk per command, not two.
  const lastUsage = new Map<string, number>();
  return defineTool({
    name: "run_command",
    description: description(options),
    input: z.object({
      command: z.string().min(1),
      timeout_s: z.number().positive().optional(),
    }),
    // An allow-listed command runs repository code the agent may have written: without
    // the sandbox it could read every secret, so it needs approval like any other.
    risk: (input, scope) =>
      isAllowedCommand(input.command, allowedPatterns(options, scope.repoName)) &&
      knownSandboxStatus(options.sandbox, options.sandboxSearchPath)?.state === "active"
        ? "safe"
        : "risky",
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
      const quotaPaths = [workspace.root, home, temporary];
      const known = lastUsage.get(workspace.root);
      // Over the quota already, only a command that frees space runs, and it is not watched.
      let freeing = false;
      if (known === undefined || isOverQuota(known, options.workspaceQuotaMb)) {
        const before = await workspaceBytes(quotaPaths);
        lastUsage.set(workspace.root, before);
        freeing = isOverQuota(before, options.workspaceQuotaMb);
        if (freeing && !frees(input.command)) {
          throw new ToolError(overQuotaMessage(before, options.workspaceQuotaMb));
        }
      }
      const searchPath = process.env.PATH ?? "/usr/bin:/bin";
      const plan = planSandboxedShell({
        command: input.command,
        limits: options.commandLimits,
        bwrapPath: sandbox.state === "active" ? sandbox.bwrapPath : undefined,
        workspaceRoot: workspace.root,
        home,
        temporaryDirectory: temporary,
        readOnlyPaths: [join(workspace.root, ".git")],
        hiddenPaths: options.hiddenPaths,
        searchPath,
      });
      // Over the quota while it runs: the whole sandbox is stopped, as on cancellation.
      const overQuota = new AbortController();
      let bytesWhenStopped: number | undefined;
      const stopWatching = freeing
        ? () => undefined
        : watchQuota(quotaPaths, options.workspaceQuotaMb, (bytes) => {
            bytesWhenStopped = bytes;
            overQuota.abort();
          });
      const result = await runProcess({
        command: plan.command,
        args: plan.args,
        cwd: workspace.root,
        env: { ...scrubbedEnvironment({ home }), PATH: plan.path },
        timeoutMs: timeoutSeconds * 1000,
        signal: AbortSignal.any([context.signal, overQuota.signal]),
        maxOutputBytes: options.maxOutputBytes,
        mergeOutput: true,
      })
        .catch((error: unknown) => {
          throw new ToolError(
            `Could not start the command: ${error instanceof Error ? error.message : String(error)}`,
          );
        })
        .finally(stopWatching);
      const seconds = (result.durationMs / 1000).toFixed(2);
      let status: string;
      if (result.timedOut)
        status = `timed out after ${timeoutSeconds} s; the command and its children were killed`;
      else if (result.aborted && bytesWhenStopped !== undefined) {
        status =
          `stopped: the workspace went over its ${options.workspaceQuotaMb} MiB disk quota while it ran ` +
          `(${(bytesWhenStopped / 1024 / 1024).toFixed(1)} MiB); the command and its children were killed`;
      } else if (result.aborted) status = "cancelled; the command and its children were killed";
      else if (result.exitCode === null) status = `killed by ${result.signal ?? "a signal"}`;
      else status = `exit code ${result.exitCode}`;
      const limit = describeLimitExit(result.exitCode, result.signal, options.commandLimits);
      if (limit) status += ` (${limit})`;
      const sandboxed = plan.kind === "bwrap" ? ", sandboxed" : ", NOT sandboxed";
      // NUL bytes (e.g. from /proc/*/environ) cannot be stored in a transcript: show them as ␀.
      const output = result.stdout.replaceAll("\u0000", "\u2400").trimEnd();
      // One walk after the command: its size, and what it left that would trip the service's git.
      const hazards: string[] = [];
      const after = await workspaceBytes(quotaPaths, (path, info) => {
        if (isGitHazard(workspace.root, path, info)) hazards.push(path);
      });
      lastUsage.set(workspace.root, after);
      const removed = await removeGitHazards(workspace.root, hazards);
      const cleaned =
        removed.length === 0
          ? ""
          : `\n[Removed what git would block on or read without end (named pipes, sockets, symlinks or gitfiles in nested repositories): ${removed.slice(0, 10).join(", ")}${removed.length > 10 ? ", …" : ""}]`;
      const quota = isOverQuota(after, options.workspaceQuotaMb)
        ? `\n[${overQuotaMessage(after, options.workspaceQuotaMb)}]`
        : "";
      return `[${status}, ${seconds} s${sandboxed}]\n${output === "" ? "(no output)" : output}${quota}${cleaned}`;
    },
  });
}

/** Over quota, only deleting makes sense: `rm …` and `git clean …` still run. */
function frees(command: string): boolean {
  return /^\s*(rm|git clean)\s/.test(command) && !hasShellMetacharacters(command);
}
