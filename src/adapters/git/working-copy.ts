import { randomUUID } from "node:crypto";
import { copyFile, rm, stat, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { type GitIdentity, runGit } from "./git-command.ts";
import { streamEveryGitRecord, streamGitRecords } from "./git-records.ts";
import { requireNoNestedRepository } from "./nested-repositories.ts";
import { completeReadTimeoutMs, diffTimeoutMs, pathListingLimits } from "./repository-limits.ts";

/** Native git operations on one working copy; none of them touches a remote. */

export interface DiffStats {
  files: number;
  insertions: number;
  deletions: number;
}

/**
 * Runs `run` with a throwaway copy of the index that has every change staged, so
 * untracked files show up in diffs without touching the agent's real index.
 */
async function withEverythingStaged<T>(
  root: string,
  run: (env: Record<string, string>) => Promise<T>,
): Promise<T> {
  await requireNoNestedRepository(root);
  const realIndex = await indexPathOf(root);
  const temporaryIndex = join(tmpdir(), `threadwork-index-${randomUUID()}`);
  try {
    await copyIndex(realIndex, temporaryIndex);
    const env = { GIT_INDEX_FILE: temporaryIndex };
    await stageEverything(root, env);
    return await run(env);
  } finally {
    await rm(temporaryIndex, { force: true });
  }
}

/**
 * The copy keeps the index's mtime: git trusts an entry's cached stat only when the file is
 * older than the index ("racy git"). A copy stamped now would make a file edited in the same
 * second as the checkout, at the same size, look unchanged, and its change go missing.
 */
async function copyIndex(realIndex: string, temporaryIndex: string): Promise<void> {
  try {
    await copyFile(realIndex, temporaryIndex);
    const info = await stat(realIndex);
    await utimes(temporaryIndex, info.atime, info.mtime);
  } catch {
    // No index yet: git starts from an empty one.
  }
}

/**
 * `git add -A`, except for gitlinks (submodules, nested repositories). A sandboxed command
 * can write a nested repository's `.git/config`, and `git add` asks every gitlink's
 * repository for its status, running that config's filters outside the sandbox. `git add`
 * has no option against that, so the gitlinks the index already holds are excluded.
 * A nested repository seen for the first time is only recorded by its HEAD.
 */
export async function stageEverything(root: string, env: Record<string, string> = {}): Promise<void> {
  const gitlinks = new Set<string>();
  await streamEveryGitRecord(["ls-files", "-z", "--stage"], {
    cwd: root,
    env,
    separator: "\0",
    timeoutMs: completeReadTimeoutMs,
    onRecord(entry) {
      const tab = entry.indexOf("\t");
      if (entry.startsWith("160000 ") && tab > 0) gitlinks.add(entry.slice(tab + 1));
    },
  });
  const excluded = [...gitlinks].map((path) => `:(exclude,literal)${path}`);
  await runGit(["add", "-A", "--", ".", ...excluded], { cwd: root, env });
}

/** Our clones keep `.git` as a directory: skip asking git where the index is. */
async function indexPathOf(root: string): Promise<string> {
  const gitDirectory = join(root, ".git");
  if ((await stat(gitDirectory).catch(() => undefined))?.isDirectory()) return join(gitDirectory, "index");
  const indexPath = (await runGit(["rev-parse", "--git-path", "index"], { cwd: root })).stdout.trim();
  return isAbsolute(indexPath) ? indexPath : join(root, indexPath);
}

/** Unified diff of the working tree (untracked files included) against `base`. */
export function diffAgainst(
  root: string,
  base: string,
  options: { maxOutputBytes?: number } = {},
): Promise<string> {
  return withEverythingStaged(root, async (env) => {
    const result = await runGit(["diff", "--cached", "--no-color", "--no-ext-diff", "--no-textconv", base], {
      cwd: root,
      env,
      timeoutMs: diffTimeoutMs,
      ...(options.maxOutputBytes === undefined ? {} : { maxOutputBytes: options.maxOutputBytes }),
    });
    return result.stdout;
  });
}

/** Diff stats between two commits (or a commit and the working tree when `head` is omitted). */
export async function diffStats(root: string, base: string, head?: string): Promise<DiffStats> {
  const args = ["diff", "--numstat", "--no-color", "--no-ext-diff", "--no-textconv", base];
  return head
    ? sumNumstat([...args, head], { cwd: root })
    : withEverythingStaged(root, (env) =>
        sumNumstat(["diff", "--cached", ...args.slice(1)], { cwd: root, env }),
      );
}

/** Adds one `--numstat` line (`added<TAB>deleted<TAB>path`) to `stats`; other lines are skipped. */
function addNumstatLine(stats: DiffStats, line: string): void {
  const [added, deleted] = line.split("\t");
  if (added === undefined || deleted === undefined) return;
  stats.files += 1;
  stats.insertions += Number.parseInt(added, 10) || 0;
  stats.deletions += Number.parseInt(deleted, 10) || 0;
}

/** The numstat git prints, summed as it streams: a diff of a million files costs counters, not a string. */
async function sumNumstat(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
  onOtherLine?: (line: string) => void,
): Promise<DiffStats> {
  const stats: DiffStats = { files: 0, insertions: 0, deletions: 0 };
  await streamEveryGitRecord(args, {
    ...options,
    separator: "\n",
    timeoutMs: completeReadTimeoutMs,
    onRecord(line) {
      if (line.includes("\t")) addNumstatLine(stats, line);
      else onOtherLine?.(line);
    },
  });
  return stats;
}

export function parseNumstat(output: string): DiffStats {
  const stats: DiffStats = { files: 0, insertions: 0, deletions: 0 };
  for (const line of output.split("\n")) addNumstatLine(stats, line);
  return stats;
}

export interface CommitResult {
  /** False when there was nothing to commit. */
  committed: boolean;
  commit: string;
  stats: DiffStats;
}

/** Stages everything and commits it; a clean tree commits nothing. */
export async function commitAll(
  root: string,
  message: string,
  options: { identity?: GitIdentity } = {},
): Promise<CommitResult> {
  await requireNoNestedRepository(root);
  await stageEverything(root);
  // Asked first: `git commit` with nothing to commit prints a full status, which looks into
  // submodules whenever an (agent-written) .gitmodules says so, running their filters.
  const staged = await runGit(["diff", "--cached", "--quiet"], { cwd: root, allowFailure: true });
  if (staged.exitCode === 0) {
    return {
      committed: false,
      commit: await headCommit(root),
      stats: { files: 0, insertions: 0, deletions: 0 },
    };
  }
  await runGit(["commit", "-q", "--no-verify", "-F", "-"], {
    cwd: root,
    input: message,
    ...(options.identity ? { identity: options.identity } : {}),
  });
  // One process for the new commit's id and its numstat (a root commit diffs against the empty tree).
  let commit = "";
  const stats = await sumNumstat(
    ["show", "--numstat", "--format=%H", "--no-color", "--no-ext-diff", "HEAD"],
    { cwd: root },
    (line) => {
      commit ||= line.trim();
    },
  );
  return { committed: true, commit, stats };
}

/**
 * Paths that differ between two commits (both sides of a rename), as git spells them, that
 * `keep` accepts: the rest stream past, so a diff of any size costs only the paths kept.
 */
export async function changedPaths(
  root: string,
  base: string,
  head: string,
  keep: (path: string) => boolean,
): Promise<string[]> {
  const kept: string[] = [];
  await streamEveryGitRecord(["diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", base, head], {
    cwd: root,
    separator: "\0",
    timeoutMs: completeReadTimeoutMs,
    onRecord(path) {
      if (path !== "" && keep(path)) kept.push(path);
    },
  });
  return kept;
}

export async function headCommit(root: string): Promise<string> {
  return (await runGit(["rev-parse", "HEAD"], { cwd: root })).stdout.trim();
}

export async function currentBranch(root: string): Promise<string | undefined> {
  const result = await runGit(["symbolic-ref", "-q", "--short", "HEAD"], { cwd: root, allowFailure: true });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

export interface WorkingFiles {
  /** Files `accept` took, in git's order. */
  files: string[];
  /** Set when the listing stopped at its bound (`pathListingLimits`): there are more files. */
  cutAfter?: number;
}

/**
 * Tracked and untracked (not ignored) files under `path`, relative to the root, that `accept`
 * takes; streamed, and stopped after `pathListingLimits` files whatever the working copy holds.
 */
export async function listWorkingFiles(
  root: string,
  path: string,
  accept: (file: string) => boolean = () => true,
): Promise<WorkingFiles> {
  const pathspec = path === "." ? [] : ["--", `:(literal)${path}`];
  const gone = new Set<string>();
  await streamGitRecords(["ls-files", "-z", "--deleted", ...pathspec], {
    cwd: root,
    separator: "\0",
    limits: pathListingLimits,
    onRecord(file) {
      if (file !== "") gone.add(file);
      return undefined;
    },
  });
  const files: string[] = [];
  const listed = await streamGitRecords(
    ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--deduplicate", ...pathspec],
    {
      cwd: root,
      separator: "\0",
      limits: pathListingLimits,
      onRecord(file) {
        if (file !== "" && !gone.has(file) && accept(file)) files.push(file);
        return undefined;
      },
    },
  );
  return listed.stopped ? { files, cutAfter: listed.records } : { files };
}
