import type { Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { WorkspaceRequestError } from "./git-error.ts";

/**
 * The first `.git` (directory, file or symlink) below a working copy's root, relative to
 * it, or undefined. A nested repository's config is the agent's to write (the sandbox only
 * keeps the top `.git` read-only), and git, checking status during a commit, recurses into
 * it and runs its filters and other commands outside the sandbox.
 */
export async function findNestedRepository(root: string): Promise<string | undefined> {
  let level = [""];
  while (level.length > 0) {
    const next: string[] = [];
    for (const relativeDirectory of level) {
      let entries: Dirent[];
      try {
        entries = await readdir(join(root, relativeDirectory), { withFileTypes: true });
      } catch {
        continue;
      }
      for (const entry of entries) {
        const path = relativeDirectory === "" ? entry.name : `${relativeDirectory}/${entry.name}`;
        if (entry.name.toLowerCase() === ".git") {
          if (relativeDirectory !== "") return path;
          continue;
        }
        if (entry.isDirectory()) next.push(path);
      }
    }
    level = next;
  }
  return undefined;
}

/** Refuses to let the service's git touch a working copy that holds a nested repository. */
export async function requireNoNestedRepository(root: string): Promise<void> {
  const nested = await findNestedRepository(root);
  if (nested === undefined) return;
  throw new WorkspaceRequestError(
    `The workspace contains a nested git repository (${nested}); its configuration could run ` +
      "programs outside the sandbox, so nothing was staged or committed. Remove it (e.g. " +
      `\`rm -rf ${nested}\`) or vendor its files without their .git.`,
  );
}
