import type { Stats } from "node:fs";
import { DiskTally } from "../../adapters/git/disk-usage.ts";
import { ToolError } from "../../domain/errors.ts";
import type { Workspace } from "../../domain/tool.ts";
import type { ResolvedToolOptions } from "./workspace-tool-options.ts";

const mebibyte = 1024 * 1024;

/**
 * Bytes a workspace's command directories hold on their own: blocks shared with the
 * mirror (hardlinked packs) are not the agent's to free, so they do not count. Directories
 * a command made unreadable are opened again, so nothing hides from the count. A sparse
 * file counts its full size: git reads every byte of it when it stages the file.
 */
export async function workspaceBytes(
  paths: string[],
  visit?: (path: string, info: Stats) => void,
): Promise<number> {
  const tally = new DiskTally({ apparent: true, openDirectories: true, ...(visit ? { visit } : {}) });
  for (const path of paths) await tally.add(path);
  return tally.exclusiveBytes;
}

export function overQuotaMessage(bytes: number, quotaMb: number): string {
  return (
    `The workspace is over its ${quotaMb} MiB disk quota (${(bytes / mebibyte).toFixed(1)} MiB used by ` +
    "the working copy, its home and its /tmp). Delete files (e.g. build output, caches, /tmp) to get " +
    "under the quota; until then only commands that free space make sense."
  );
}

export function isOverQuota(bytes: number, quotaMb: number): boolean {
  return bytes > quotaMb * mebibyte;
}

/** Shortest pause between two measurements while a command runs. */
const watchIntervalMs = 1000;

/**
 * Measures `paths` again and again while a command runs and calls `onOver` once they
 * exceed the quota: a single command could otherwise write file after file, each under
 * the file size limit, until the disk is full. Pauses at least four times as long as a
 * measurement took, so a big tree costs at most a fifth of a core. Returns a stop function.
 */
export function watchQuota(paths: string[], quotaMb: number, onOver: (bytes: number) => void): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const check = async (): Promise<void> => {
    const started = performance.now();
    const bytes = await workspaceBytes(paths);
    if (stopped) return;
    if (isOverQuota(bytes, quotaMb)) {
      onOver(bytes);
      return;
    }
    const took = performance.now() - started;
    timer = setTimeout(() => void check(), Math.max(watchIntervalMs, took * 4));
  };
  timer = setTimeout(() => void check(), watchIntervalMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/**
 * Refuses to stage (commit, diff) a workspace over its quota: git reads and compresses every
 * byte it stages, sparse files included, in the service and outside the sandbox.
 */
export async function requireStageableWorkspace(
  options: ResolvedToolOptions,
  workspace: Workspace,
  what: "committed" | "compared",
): Promise<void> {
  const used = await workspaceBytes([
    workspace.root,
    options.homeDirectory(workspace),
    options.temporaryDirectory(workspace),
  ]);
  if (isOverQuota(used, options.workspaceQuotaMb)) {
    throw new ToolError(`Nothing was ${what}. ${overQuotaMessage(used, options.workspaceQuotaMb)}`);
  }
}
