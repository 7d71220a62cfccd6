import { DiskTally } from "../../adapters/git/disk-usage.ts";
import { ToolError } from "../../domain/errors.ts";
import type { Workspace } from "../../domain/tool.ts";
import type { ResolvedToolOptions } from "./workspace-tool-options.ts";

const mebibyte = 1024 * 1024;

/**
 * Bytes a workspace's command directories hold on their own: blocks shared with the
 * mirror (hardlinked packs) are not the agent's to free, so they do not count. A sparse
 * file counts its full size: git reads every byte of it when it stages the file.
 */
export async function workspaceBytes(paths: string[]): Promise<number> {
  const tally = new DiskTally({ apparent: true });
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
