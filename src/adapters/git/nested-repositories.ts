import type { Dirent } from "node:fs";
import { type FileHandle, readdir } from "node:fs/promises";
import { runGit } from "./git-command.ts";
import { WorkspaceRequestError } from "./git-error.ts";
import { childPath, openPinnedDirectory } from "./pinned-directory.ts";

/** Whether git ignores `path` (a tracked path never is): git never stages or recurses into it. */
async function isIgnored(root: string, path: string): Promise<boolean> {
  const result = await runGit(["check-ignore", "-q", "--", path], { cwd: root, allowFailure: true });
  return result.exitCode === 0;
}

/** Deeper directories are not searched but refused: each level holds a descriptor open. */
const maximumDepth = 128;
const tooDeep = Symbol("too deep");

/**
 * A `.git` (directory, file or symlink) below a working copy's root that git could stage,
 * relative to the root, or undefined. A nested repository's config is the agent's to
 * write (the sandbox keeps only the top `.git` read-only), and git, checking status during
 * a commit, recurses into it and runs its filters outside the sandbox. An ignored one (say
 * in `node_modules/`) is never staged, so never recursed into. Each directory is opened
 * relative to its parent and never through a symlink (see `childPath`).
 */
export async function findNestedRepository(root: string): Promise<string | undefined> {
  const found = await searchFrom(root);
  if (found === tooDeep) {
    throw new WorkspaceRequestError(
      `The working copy has directories more than ${maximumDepth} levels deep, too deep to check for nested repositories; nothing was staged or committed.`,
    );
  }
  return found;
}

async function searchFrom(root: string): Promise<string | typeof tooDeep | undefined> {
  let top: FileHandle;
  try {
    top = await openPinnedDirectory(root);
  } catch {
    return undefined;
  }
  try {
    return await search(root, top, "", 1);
  } finally {
    await top.close();
  }
}

async function search(
  root: string,
  directory: FileHandle,
  inside: string,
  depth: number,
): Promise<string | typeof tooDeep | undefined> {
  let entries: Dirent[];
  try {
    entries = await readdir(childPath(directory), { withFileTypes: true });
  } catch {
    return undefined;
  }
  const git = entries.find((entry) => entry.name.toLowerCase() === ".git");
  if (inside !== "" && git) return (await isIgnored(root, inside)) ? undefined : `${inside}/${git.name}`;
  for (const entry of entries) {
    if (!entry.isDirectory() || entry === git) continue;
    if (depth >= maximumDepth) return tooDeep;
    let child: FileHandle;
    try {
      child = await openPinnedDirectory(childPath(directory, entry.name));
    } catch {
      continue;
    }
    try {
      const found = await search(
        root,
        child,
        inside === "" ? entry.name : `${inside}/${entry.name}`,
        depth + 1,
      );
      if (found !== undefined) return found;
    } finally {
      await child.close();
    }
  }
  return undefined;
}

/** Refuses to let the service's git stage a working copy that holds a nested repository. */
export async function requireNoNestedRepository(root: string): Promise<void> {
  const nested = await findNestedRepository(root);
  if (nested === undefined) return;
  throw new WorkspaceRequestError(
    `The workspace contains a nested git repository (${nested}); its configuration could run ` +
      "programs outside the sandbox, so nothing was staged or committed. Remove it (e.g. " +
      `\`rm -rf ${nested}\`) or vendor its files without their .git.`,
  );
}
