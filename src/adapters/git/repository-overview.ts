import { runGit } from "./git-command.ts";

/** What the supervisor sees of a repository before it plans work on it; read from the mirror, no checkout. */
export interface RepositoryOverview {
  repoName: string;
  defaultBranch: string;
  commit: string;
  /** Paths of the first two levels, directories ending in `/`, sorted; at most `maxLayoutEntries`. */
  layout: string[];
  /** Entries of the first two levels in all, shown or not. */
  layoutTotal: number;
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

async function listTree(mirrorPath: string, treeish: string): Promise<TreeEntry[]> {
  const { stdout } = await runGit(["ls-tree", "-z", treeish], { cwd: mirrorPath, allowFailure: true });
  return stdout
    .split("\0")
    .filter((line) => line !== "")
    .flatMap((line) => {
      const tab = line.indexOf("\t");
      const [mode = "", type = "", sha = ""] = line.slice(0, tab).split(" ");
      return tab < 0 ? [] : [{ mode, type, sha, path: line.slice(tab + 1) }];
    });
}

/** A regular file's text (never a symlink's target, mode 120000), or undefined. */
async function readBlob(mirrorPath: string, entry: TreeEntry | undefined): Promise<string | undefined> {
  const regular = entry?.mode === "100644" || entry?.mode === "100755";
  if (entry?.type !== "blob" || !regular) return undefined;
  const size = await runGit(["cat-file", "-s", entry.sha], { cwd: mirrorPath, allowFailure: true });
  if (Number(size.stdout.trim()) > maxBlobBytes) return undefined;
  const { stdout, exitCode } = await runGit(["cat-file", "blob", entry.sha], {
    cwd: mirrorPath,
    allowFailure: true,
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
  const top = await listTree(mirror.path, mirror.head);
  const layout: string[] = [];
  let layoutTotal = top.length;
  for (const entry of top) layout.push(entry.type === "tree" ? `${entry.path}/` : entry.path);
  const directories = top.filter((entry) => entry.type === "tree").slice(0, maxDirectoriesListed);
  const nested = await Promise.all(directories.map((entry) => listTree(mirror.path, entry.sha)));
  directories.forEach((directory, index) => {
    const children = nested[index] ?? [];
    layoutTotal += children.length;
    for (const child of children) {
      layout.push(`${directory.path}/${child.path}${child.type === "tree" ? "/" : ""}`);
    }
  });
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
    readme:
      readmeEntry && readmeText !== undefined ? { path: readmeEntry.path, text: readmeText } : undefined,
    instructions,
  };
}
