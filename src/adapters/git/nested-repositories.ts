import type { Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { runGit } from "./git-command.ts";
import { WorkspaceRequestError } from "./git-error.ts";

/** Whether git ignores `path` (a tracked path never is): git never stages or recurses into it. */
async function isIgnored(root: string, path: string): Promise<boolean> {
  const result = await runGit(["check-ignore", "-q", "--", path], { cwd: root, allowFailure: true });
  return result.exitCode === 0;
}

/**
 * The first `.git` (directory, file or symlink) below a working copy's root that git could
 * stage, relative to the root, or undefined. A nested repository's config is the agent's to
 * write (the sandbox keeps only the top `.git` read-only), and git, checking status during
 * a commit, recurses into it and runs its filters outside the sandbox. An ignored one (say
 * in `node_modules/`) is never staged, so never recursed into.
 */
export async function findNestedRepository(root: string): Promise<string | undefined> {
  let level = [""];
  while (level.length > 0) {
    const next: string[] = [];
    for (const directory of level) {
      let entries: Dirent[];
      try {
        entries = await readdir(join(root, directory), { withFileTypes: true });
      } catch {
        continue;
      }
      if (directory !== "" && entries.some((entry) => entry.name.toLowerCase() === ".git")) {
        if (await isIgnored(root, directory)) continue;
        return `${directory}/${entries.find((entry) => entry.name.toLowerCase() === ".git")?.name}`;
      }
      for (const entry of entries) {
        if (!entry.isDirectory() || (directory === "" && entry.name.toLowerCase() === ".git")) continue;
        next.push(directory === "" ? entry.name : `${directory}/${entry.name}`);
      }
    }
    level = next;
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
