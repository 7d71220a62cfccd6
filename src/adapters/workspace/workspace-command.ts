import type { Stats } from "node:fs";
import { join, relative } from "node:path";
import type { Workspace } from "../../domain/tool.ts";
import { layersDirectory, readSetupLayers } from "../environment/setup-layers.ts";
import { describeUnmeasured } from "../git/disk-usage.ts";
import { describeLimitExit } from "../process/command-limits.ts";
import { findExecutable } from "../process/find-executable.ts";
import { type ProcessResult, runProcess } from "../process/run-process.ts";
import { planSandboxedShell } from "../process/sandbox.ts";
import type { SandboxStatus } from "../process/sandbox-probe.ts";
import { scrubbedEnvironment } from "../process/scrubbed-environment.ts";
import { isGitHazard } from "./git-hazards.ts";
import { type WorkspaceUsage, watchQuota, workspaceUsage } from "./workspace-quota.ts";
import { ensureHome, nodeSettingOf, type ResolvedToolOptions } from "./workspace-tool-options.ts";

export interface WorkspaceCommand {
  command: string;
  /** The sandbox's network namespace is shared with the host's. */
  network: boolean;
  /** Variables added to the scrubbed environment, e.g. a setup's registry token. */
  environment?: Record<string, string>;
  timeoutSeconds: number;
  signal: AbortSignal;
  maxOutputBytes: number;
  /** Not watched against the quota: a command that only frees space. */
  unwatched?: boolean;
}

export interface WorkspaceCommandResult {
  process: ProcessResult;
  /** `exit code 0`, `timed out after 120 s; …`, with the limit that ended it. */
  status: string;
  sandboxed: boolean;
  /** The paths measured against the quota: working copy, home, /tmp. */
  quotaPaths: string[];
}

/**
 * Runs one command in a workspace as `run_command`, environment setup and checks all do:
 * inside the sandbox (plain bash only when it is off), on the repository's Node, the working copy's `.git` read-only,
 * its own home and /tmp, the per-command limits, and the whole sandbox stopped when the
 * workspace goes over its disk quota while the command runs.
 */
export async function runWorkspaceCommand(
  options: ResolvedToolOptions,
  sandbox: Exclude<SandboxStatus, { state: "unavailable" }>,
  workspace: Workspace,
  request: WorkspaceCommand,
): Promise<WorkspaceCommandResult> {
  const home = await ensureHome(options.homeDirectory(workspace));
  const temporary = await ensureHome(options.temporaryDirectory(workspace));
  const layers = await readSetupLayers(workspace.root);
  const quotaPaths = await commandQuotaPaths(workspace, home, temporary);
  const searchPath = process.env.PATH ?? "/usr/bin:/bin";
  const plan = planSandboxedShell({
    command: request.command,
    limits: options.commandLimits,
    bwrapPath: sandbox.state === "active" ? sandbox.bwrapPath : undefined,
    workspaceRoot: workspace.root,
    home,
    temporaryDirectory: temporary,
    readOnlyPaths: [join(workspace.root, ".git")],
    hiddenPaths: options.hiddenPaths,
    searchPath,
    node: nodeSettingOf(options.repositoryNode, workspace.repoName),
    network: request.network,
    layers,
    unsharePath:
      layers.length > 0 ? findExecutable("unshare", options.sandboxSearchPath ?? searchPath) : undefined,
  });
  const overQuota = new AbortController();
  let usageWhenStopped: WorkspaceUsage | undefined;
  const stopWatching = request.unwatched
    ? () => undefined
    : watchQuota(quotaPaths, options.workspaceQuotaMb, (usage) => {
        usageWhenStopped = usage;
        overQuota.abort();
      });
  const result = await runProcess({
    command: plan.command,
    args: plan.args,
    cwd: workspace.root,
    env: { ...request.environment, ...scrubbedEnvironment({ home }), PATH: plan.path },
    timeoutMs: request.timeoutSeconds * 1000,
    signal: AbortSignal.any([request.signal, overQuota.signal]),
    maxOutputBytes: request.maxOutputBytes,
    mergeOutput: true,
  }).finally(stopWatching);
  let status: string;
  if (result.timedOut)
    status = `timed out after ${request.timeoutSeconds} s; the command and its children were killed`;
  else if (result.aborted && usageWhenStopped?.unmeasured[0]) {
    status =
      `stopped: the workspace's disk use could not be measured while it ran (${describeUnmeasured(usageWhenStopped.unmeasured[0], workspace.root)}); ` +
      "the command and its children were killed";
  } else if (result.aborted && usageWhenStopped !== undefined) {
    status =
      `stopped: the workspace went over its ${options.workspaceQuotaMb} MiB disk quota while it ran ` +
      `(${(usageWhenStopped.bytes / 1024 / 1024).toFixed(1)} MiB); the command and its children were killed`;
  } else if (result.aborted) status = "cancelled; the command and its children were killed";
  else if (result.exitCode === null) status = `killed by ${result.signal ?? "a signal"}`;
  else status = `exit code ${result.exitCode}`;
  const limit = describeLimitExit(result.exitCode, result.signal, options.commandLimits);
  if (limit) status += ` (${limit})`;
  return { process: result, status, sandboxed: plan.kind === "bwrap", quotaPaths };
}

/**
 * What a workspace's disk quota measures: the working copy, its home and /tmp, and the upper
 * directory of each restored setup layer (its changes are the workspace's own disk; the
 * shared cache entry under them is not).
 */
export async function commandQuotaPaths(
  workspace: Workspace,
  home: string,
  temporary: string,
): Promise<string[]> {
  const layers = await readSetupLayers(workspace.root);
  return [workspace.root, home, temporary, ...layers.map((layer) => layer.upper)];
}

/**
 * One walk after a command: what its directories hold, and what it left that would make
 * the service's git block or read without end, removed (named pipes, sockets, symlinks or
 * gitfiles in nested repositories). `removed` holds their paths relative to the root.
 */
export async function cleanUpAfterCommand(
  workspace: Workspace,
  quotaPaths: string[],
  /** Also sees every entry the walk meets. */
  visit?: (path: string, info: Stats) => void,
): Promise<{ usage: WorkspaceUsage; removed: string[] }> {
  const layers = `${layersDirectory(workspace.root)}/`;
  const usage = await workspaceUsage(quotaPaths, (path, info) => {
    // A layer's whiteouts are character devices that record deletions; git never reads there.
    if (path.startsWith(layers)) return false;
    visit?.(path, info);
    return isGitHazard(workspace.root, path, info);
  });
  return { usage, removed: usage.removed.map((path) => relative(workspace.root, path)) };
}

/** Output as a transcript can hold it: NUL bytes (e.g. from /proc/*\/environ) shown as ␀. */
export function storableOutput(output: string): string {
  return output.replaceAll("\u0000", "\u2400").trimEnd();
}
