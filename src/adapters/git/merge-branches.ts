import { join } from "node:path";
import type { Workspace } from "../../domain/tool.ts";
import { readRegularFile } from "../environment/setup-cache-key.ts";
import { runGit } from "./git-command.ts";
import { streamGitRecords } from "./git-records.ts";
import { pathListingLimits } from "./repository-limits.ts";

export interface ConflictFile {
  path: string;
  /** Each conflict block with its markers, or a sentence for conflicts without text (delete/modify, binary). */
  hunks: string[];
}

export interface MergeConflict {
  branch: string;
  files: ConflictFile[];
  /** Set when the merge failed without file conflicts (e.g. unrelated histories). */
  message?: string;
}

const maxHunksPerFile = 20;
const maxHunkCharacters = 4000;
/** Conflicting files described per branch; the rest are counted in a last entry. */
const maxConflictFiles = 100;
/** What a merge prints that is kept (head and tail), per stream. */
const mergeOutputBytes = 64 * 1024;
/** A larger conflicting file is described without its hunks. */
const maxConflictFileBytes = 4 * 1024 * 1024;

const statusMeaning: Record<string, string> = {
  DD: "deleted on both sides",
  AU: "added by us only",
  UD: "deleted by them, modified by us",
  UA: "added by them only",
  DU: "deleted by us, modified by them",
  AA: "added on both sides with different content",
  UU: "modified on both sides",
};

/** A workspace's branch to merge; with `commit`, exactly that commit (what an approver was shown). */
export type MergeSourceBranch = Workspace & { commit?: string };

/**
 * Merges each source workspace's branch into the working copy at `root` (on the
 * integration branch), one merge commit per branch. A conflicting merge is described
 * and aborted, so the integration branch only ever holds clean merges.
 */
export async function mergeWorkspaceBranches(
  root: string,
  sources: MergeSourceBranch[],
): Promise<{ merged: string[]; conflicts: MergeConflict[] }> {
  const merged: string[] = [];
  const conflicts: MergeConflict[] = [];
  for (const source of sources) {
    const incoming = `refs/threadwork/incoming/${source.branch}`;
    // Never inside submodules: their (agent-writable) config names programs git would run.
    await runGit(
      [
        "fetch",
        "-q",
        "--no-tags",
        "--no-recurse-submodules",
        source.root,
        `+refs/heads/${source.branch}:${incoming}`,
      ],
      { cwd: root },
    );
    const commit = source.commit && /^[0-9a-f]{40}$/.test(source.commit) ? source.commit : incoming;
    // Its summary names every file merged: only the head and tail of it are kept.
    const result = await runGit(["merge", "--no-ff", "--no-edit", "-m", `Merge ${source.branch}`, commit], {
      cwd: root,
      allowFailure: true,
      maxOutputBytes: mergeOutputBytes,
    });
    if (result.exitCode === 0) {
      merged.push(source.branch);
      continue;
    }
    const files = await describeConflicts(root);
    const inProgress = await runGit(["rev-parse", "-q", "--verify", "MERGE_HEAD"], {
      cwd: root,
      allowFailure: true,
    });
    if (inProgress.exitCode === 0) await runGit(["merge", "--abort"], { cwd: root });
    conflicts.push(
      files.length > 0
        ? { branch: source.branch, files }
        : { branch: source.branch, files, message: (result.stderr || result.stdout).trim().slice(0, 1000) },
    );
  }
  return { merged, conflicts };
}

async function describeConflicts(root: string): Promise<ConflictFile[]> {
  const conflicting: Array<{ path: string; code: string; meaning: string }> = [];
  let more = 0;
  await streamGitRecords(["status", "--porcelain", "-z", "--untracked-files=no", "--ignore-submodules=all"], {
    cwd: root,
    separator: "\0",
    limits: pathListingLimits,
    onRecord(entry) {
      const code = entry.slice(0, 2);
      const meaning = statusMeaning[code];
      if (!meaning) return undefined;
      if (conflicting.length < maxConflictFiles) conflicting.push({ path: entry.slice(3), code, meaning });
      else more += 1;
      return undefined;
    },
  });
  const files: ConflictFile[] = [];
  for (const { path, code, meaning } of conflicting) {
    const hunks = code === "UU" || code === "AA" ? await conflictHunks(join(root, path)) : [];
    files.push({ path, hunks: hunks.length > 0 ? hunks : [`(${meaning})`] });
  }
  if (more > 0) files.push({ path: `(${more} more conflicting files)`, hunks: ["(not described)"] });
  return files;
}

async function conflictHunks(path: string): Promise<string[]> {
  // Never through a symlink, never a pipe, never a file too large to hold.
  const content = (await readRegularFile(path, maxConflictFileBytes))?.toString("utf8");
  if (content === undefined) return [];
  const hunks: string[] = [];
  let current: string[] | undefined;
  for (const line of content.split("\n")) {
    if (line.startsWith("<<<<<<< ")) current = [line];
    else if (current) {
      current.push(line);
      if (line.startsWith(">>>>>>> ")) {
        const text = current.join("\n");
        hunks.push(
          text.length > maxHunkCharacters ? `${text.slice(0, maxHunkCharacters)}\n[... hunk cut ...]` : text,
        );
        current = undefined;
        if (hunks.length >= maxHunksPerFile) break;
      }
    }
  }
  return hunks;
}
