import { runGit } from "./git-command.ts";
import { type StopReason, streamGitRecords } from "./git-records.ts";
import { overviewDirectoryLimits, overviewMaxEntries, overviewTimeoutMs } from "./repository-limits.ts";

/** What the supervisor sees of a repository before it plans work on it; read from the mirror, no checkout. */
export interface RepositoryOverview {
  repoName: string;
  defaultBranch: string;
  commit: string;
  /** Paths of the first two levels, directories ending in `/`, sorted; at most `maxLayoutEntries`. */
  layout: string[];
  /** Entries of the first two levels read, shown or not. */
  layoutTotal: number;
  /** Set when the listing stopped at a bound: the first two levels hold more than `layoutTotal`. */
  layoutCut?: string;
  readme: { path: string; text: string } | undefined;
  instructions: { path: string; text: string } | undefined;
}

const maxLayoutEntries = 150;
const maxDirectoriesListed = 40;
/** Blobs larger than this are not read at all. */
const maxBlobBytes = 256 * 1024;

interface TreeEntry {
  mode: string;
  type: string;
  sha: string;
  path: string;
}

interface Listing {
  entries: TreeEntry[];
  stopped: StopReason | undefined;
}

/** One directory's entries, streamed: at most `maxEntries` and the per-directory bounds. */
async function listTree(
  mirrorPath: string,
  treeish: string,
  maxEntries: number,
  deadline: number,
): Promise<Listing> {
  const entries: TreeEntry[] = [];
  const timeoutMs = Math.min(overviewDirectoryLimits.timeoutMs, deadline - Date.now());
  if (maxEntries <= 0 || timeoutMs <= 0) return { entries, stopped: maxEntries <= 0 ? "records" : "time" };
  const { stopped } = await streamGitRecords(["ls-tree", "-z", treeish], {
    cwd: mirrorPath,
    allowFailure: true,
    separator: "\0",
    limits: {
      ...overviewDirectoryLimits,
      maxRecords: Math.min(maxEntries, overviewDirectoryLimits.maxRecords),
      timeoutMs,
    },
    onRecord(line) {
      const tab = line.indexOf("\t");
      const [mode = "", type = "", sha = ""] = line.slice(0, tab).split(" ");
      if (tab >= 0) entries.push({ mode, type, sha, path: line.slice(tab + 1) });
      return undefined;
    },
  });
  return { entries, stopped };
}

function describeCut(stopped: StopReason, entriesRead: number): string {
  const read = entriesRead.toLocaleString("en-US");
  if (stopped === "time")
    return `listing cut after ${read} entries when its ${overviewTimeoutMs / 1000} s ran out`;
  const perDirectory = overviewDirectoryLimits.maxRecords.toLocaleString("en-US");
  return `listing cut after ${read} entries (at most ${perDirectory} per directory and ${overviewMaxEntries.toLocaleString("en-US")} in all are read)`;
}

/** A regular file's text (never a symlink's target, mode 120000), or undefined. */
async function readBlob(mirrorPath: string, entry: TreeEntry | undefined): Promise<string | undefined> {
  const regular = entry?.mode === "100644" || entry?.mode === "100755";
  if (entry?.type !== "blob" || !regular) return undefined;
  const bounds = { cwd: mirrorPath, allowFailure: true, timeoutMs: overviewDirectoryLimits.timeoutMs };
  const size = await runGit(["cat-file", "-s", entry.sha], bounds);
  if (Number(size.stdout.trim()) > maxBlobBytes) return undefined;
  const { stdout, exitCode } = await runGit(["cat-file", "blob", entry.sha], {
    ...bounds,
    maxOutputBytes: maxBlobBytes,
  });
  return exitCode === 0 && !stdout.includes("\0") ? stdout : undefined;
}

/**
 * The first two levels of the tree at `commit`, the README and the root's instruction file
 * (`AGENTS.md`, else `CLAUDE.md`, else `.github/copilot-instructions.md`), read as git objects:
 * nothing is checked out and no symlink is followed.
 */
export async function readRepositoryOverview(
  mirror: { path: string; defaultBranch: string; head: string },
  repoName: string,
): Promise<RepositoryOverview> {
  const deadline = Date.now() + overviewTimeoutMs;
  const root = await listTree(mirror.path, mirror.head, overviewMaxEntries, deadline);
  const top = root.entries;
  let cut = root.stopped;
  const layout: string[] = [];
  let layoutTotal = top.length;
  for (const entry of top) layout.push(entry.type === "tree" ? `${entry.path}/` : entry.path);
  const directories = top.filter((entry) => entry.type === "tree").slice(0, maxDirectoriesListed);
  // One after the other, from one budget: a repository cannot make the overview read 40 huge trees at once.
  const nested: TreeEntry[][] = [];
  for (const directory of directories) {
    if (cut === "time" || layoutTotal >= overviewMaxEntries) {
      cut ??= "records";
      break;
    }
    const listing = await listTree(mirror.path, directory.sha, overviewMaxEntries - layoutTotal, deadline);
    if (listing.stopped) cut = listing.stopped;
    nested.push(listing.entries);
    layoutTotal += listing.entries.length;
    for (const child of listing.entries) {
      layout.push(`${directory.path}/${child.path}${child.type === "tree" ? "/" : ""}`);
    }
  }
  layout.sort();
  const byName = (name: string) => top.find((entry) => entry.path.toLowerCase() === name.toLowerCase());
  const readmeEntry = top.find((entry) => /^readme(\.(md|markdown|txt|rst))?$/i.test(entry.path));
  const readmeText = await readBlob(mirror.path, readmeEntry);
  const github = directories.find((entry) => entry.path === ".github");
  const githubFiles = github ? (nested[directories.indexOf(github)] ?? []) : [];
  const candidates: Array<[string, TreeEntry | undefined]> = [
    ["AGENTS.md", byName("AGENTS.md")],
    ["CLAUDE.md", byName("CLAUDE.md")],
    [
      ".github/copilot-instructions.md",
      githubFiles.find((entry) => entry.path === "copilot-instructions.md"),
    ],
  ];
  let instructions: RepositoryOverview["instructions"];
  for (const [path, entry] of candidates) {
    const text = await readBlob(mirror.path, entry);
    if (text !== undefined && text.trim() !== "") {
      instructions = { path, text };
      break;
    }
  }
  return {
    repoName,
    defaultBranch: mirror.defaultBranch,
    commit: mirror.head,
    layout: layout.slice(0, maxLayoutEntries),
    layoutTotal,
    ...(cut ? { layoutCut: describeCut(cut, layoutTotal) } : {}),
    readme:
      readmeEntry && readmeText !== undefined ? { path: readmeEntry.path, text: readmeText } : undefined,
    instructions,
  };
}
