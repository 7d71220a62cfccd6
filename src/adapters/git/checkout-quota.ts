import { DiskTally, measureRepeatedly, minimumEntryBytes } from "./disk-usage.ts";
import { gitFailure, runGit } from "./git-command.ts";
import { WorkspaceRequestError } from "./git-error.ts";
import { streamGitRecords } from "./git-records.ts";
import { checkoutSizingTimeoutMs, checkoutTimeoutMs } from "./repository-limits.ts";

const mebibyte = 1024 * 1024;
/** What git's index holds per file besides the path: stat data, object id, flags. */
const indexEntryBytes = 64;
function quotaNamed(quotaMb: number): string {
  return `the workspace's ${quotaMb} MiB disk quota (THREADWORK_WORKSPACE_QUOTA_MB)`;
}

/**
 * Refuses, before anything is written, a checkout of `commit` that would not fit the workspace
 * quota, counted as the quota counts (every file and directory at least 4 KiB) plus git's index.
 * The tree is summed from `git ls-tree` as it streams, and git stops once the sum passes the
 * quota: a few hundred KB of objects can name millions of files. Says whether the tree has a
 * `.gitattributes`, the only way its files can be larger on disk than in git.
 */
export async function requireCheckoutFits(
  mirrorPath: string,
  commit: string,
  quotaMb: number,
): Promise<{ hasAttributes: boolean }> {
  const quotaBytes = quotaMb * mebibyte;
  let bytes = 0;
  let hasAttributes = false;
  const { stopped } = await streamGitRecords(["ls-tree", "-r", "-t", "-l", "-z", "--full-tree", commit], {
    cwd: mirrorPath,
    separator: "\0",
    limits: {
      maxRecords: Math.floor(quotaBytes / minimumEntryBytes) + 1,
      maxBytes: Number.POSITIVE_INFINITY,
      timeoutMs: checkoutSizingTimeoutMs,
    },
    onRecord(line) {
      const tab = line.indexOf("\t");
      const [, type, , size] = line.slice(0, tab).split(/ +/);
      const fileBytes = type === "blob" ? Number(size) || 0 : 0;
      const path = line.slice(tab + 1);
      if (path === ".gitattributes" || path.endsWith("/.gitattributes")) hasAttributes = true;
      const indexBytes = type === "tree" ? 0 : indexEntryBytes + path.length;
      bytes += Math.max(fileBytes, minimumEntryBytes) + indexBytes;
      return bytes <= quotaBytes;
    },
  });
  if (stopped === "time") {
    throw new WorkspaceRequestError(
      `Sizing the repository's tree at ${commit.slice(0, 12)} took over ${checkoutSizingTimeoutMs / 1000} s, so it was not checked out against ${quotaNamed(quotaMb)}`,
    );
  }
  if (stopped) {
    throw new WorkspaceRequestError(
      `The repository's tree at ${commit.slice(0, 12)} needs more than ${(bytes / mebibyte).toFixed(1)} MiB on disk ` +
        `(each file and directory counts at least 4 KiB), over ${quotaNamed(quotaMb)}; nothing was checked out`,
    );
  }
  return { hasAttributes };
}

async function workingCopyBytes(root: string): Promise<number> {
  const tally = new DiskTally({ apparent: true });
  await tally.add(root);
  return tally.exclusiveBytes;
}

/**
 * Runs a checkout in the working copy at `root` and stops it once the copy goes over the quota;
 * with `measureAfter`, measures the copy once more when it is done: attributes in the tree
 * (`eol`, `working-tree-encoding`) can make files several times larger on disk than the sizes
 * `requireCheckoutFits` summed. Blocks shared with the mirror (hardlinked packs) do not count.
 */
export async function checkoutWithinQuota(
  root: string,
  args: string[],
  quotaMb: number,
  measureAfter: boolean,
): Promise<void> {
  const quotaBytes = quotaMb * mebibyte;
  const stop = new AbortController();
  let overBytes: number | undefined;
  const stopWatching = measureRepeatedly(
    () => workingCopyBytes(root),
    (bytes) => {
      if (bytes <= quotaBytes) return false;
      overBytes = bytes;
      stop.abort();
      return true;
    },
  );
  let result: Awaited<ReturnType<typeof runGit>>;
  try {
    result = await runGit(args, {
      cwd: root,
      signal: stop.signal,
      allowFailure: true,
      timeoutMs: checkoutTimeoutMs,
    });
  } finally {
    stopWatching();
  }
  if (measureAfter && overBytes === undefined && result.exitCode === 0) {
    const bytes = await workingCopyBytes(root);
    if (bytes > quotaBytes) overBytes = bytes;
  }
  if (overBytes !== undefined) {
    throw new WorkspaceRequestError(
      `The checkout went over ${quotaNamed(quotaMb)} (${(overBytes / mebibyte).toFixed(1)} MiB written, ` +
        "files grown by the repository's .gitattributes) and was stopped; nothing was kept",
    );
  }
  if (result.exitCode !== 0) throw gitFailure(args, result.exitCode, result.stderr || result.stdout);
}
