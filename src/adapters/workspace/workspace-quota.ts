import type { Stats } from "node:fs";
import { ToolError } from "../../domain/errors.ts";
import type { Workspace } from "../../domain/tool.ts";
import {
  DiskTally,
  describeUnmeasured,
  measureRepeatedly,
  type UnmeasuredDirectory,
} from "../git/disk-usage.ts";
import type { ResolvedToolOptions } from "./workspace-tool-options.ts";

const mebibyte = 1024 * 1024;

/** What a workspace's command directories hold, as far as the service could measure it. */
export interface WorkspaceUsage {
  bytes: number;
  /** Directories whose content is unknown: a usage with any is over every quota. */
  unmeasured: readonly UnmeasuredDirectory[];
  /** The workspace root, to show paths inside it relative to it. */
  root: string;
  /** Entries `remove` chose and that were removed. */
  removed: readonly string[];
}

/**
 * Bytes a workspace's command directories (root first) hold on their own: blocks shared
 * with the mirror (hardlinked packs) are not the agent's to free, so they do not count. A
 * sparse file counts its full size: git reads every byte of it when it stages the file. A
 * directory the service may not read is not opened up (that would mean changing modes of
 * what a command controls) but reported as unmeasured, so it hides nothing from the quota.
 */
export async function workspaceUsage(
  paths: string[],
  remove?: (path: string, info: Stats) => boolean,
): Promise<WorkspaceUsage> {
  const tally = new DiskTally({ apparent: true, ...(remove ? { visit: remove } : {}) });
  for (const path of paths) await tally.add(path);
  return {
    bytes: tally.exclusiveBytes,
    unmeasured: tally.unmeasured,
    root: paths[0] ?? "",
    removed: tally.removed,
  };
}

export function overQuotaMessage(usage: WorkspaceUsage, quotaMb: number): string {
  const unmeasured = usage.unmeasured[0];
  if (unmeasured) {
    return (
      `The workspace's disk use cannot be measured against its ${quotaMb} MiB disk quota: ` +
      `${describeUnmeasured(unmeasured, usage.root)}${usage.unmeasured.length > 1 ? ` (and ${usage.unmeasured.length - 1} more)` : ""}. ` +
      "Make it readable again (e.g. `chmod -R u+rwX <directory>`) or delete it; until then only " +
      "commands that free space (rm, git clean) or restore access (chmod) run."
    );
  }
  return (
    `The workspace is over its ${quotaMb} MiB disk quota (${(usage.bytes / mebibyte).toFixed(1)} MiB used by ` +
    "the working copy, its home and its /tmp). Delete files (e.g. build output, caches, /tmp) to get " +
    "under the quota; until then only commands that free space make sense."
  );
}

export function isOverQuota(usage: WorkspaceUsage, quotaMb: number): boolean {
  return usage.unmeasured.length > 0 || usage.bytes > quotaMb * mebibyte;
}

/**
 * Measures `paths` again and again while a command runs and calls `onOver` once they
 * exceed the quota: a single command could otherwise write file after file, each under
 * the file size limit, until the disk is full. A directory the command made unreadable
 * stops it too, once seen in two measurements in a row: hidden, it could hold anything.
 * Returns a stop function.
 */
export function watchQuota(
  paths: string[],
  quotaMb: number,
  onOver: (usage: WorkspaceUsage) => void,
): () => void {
  let unmeasuredBefore = false;
  return measureRepeatedly(
    () => workspaceUsage(paths),
    (usage) => {
      const unmeasured = usage.unmeasured.length > 0;
      if (usage.bytes > quotaMb * mebibyte || (unmeasured && unmeasuredBefore)) {
        onOver(usage);
        return true;
      }
      unmeasuredBefore = unmeasured;
      return false;
    },
  );
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
  const used = await workspaceUsage([
    workspace.root,
    options.homeDirectory(workspace),
    options.temporaryDirectory(workspace),
  ]);
  if (isOverQuota(used, options.workspaceQuotaMb)) {
    throw new ToolError(`Nothing was ${what}. ${overQuotaMessage(used, options.workspaceQuotaMb)}`);
  }
}
