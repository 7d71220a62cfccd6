import { randomUUID } from "node:crypto";
import { copyFile, link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";
import { checkoutWithinQuota, requireCheckoutFits } from "./checkout-quota.ts";
import { runGit } from "./git-command.ts";

/** What we remember about a working copy, next to it (not inside, where the agent could edit it). */
export const metadataSchema = z.object({
  repoName: z.string(),
  branch: z.string(),
  baseCommit: z.string(),
  baseBranch: z.string(),
  agentId: z.string(),
  createdAt: z.string(),
});

export type WorkspaceMetadata = z.infer<typeof metadataSchema>;

/** Names of half-made files and directories; `cleanup` removes old ones. */
export const temporaryMarker = ".tmp-";

export async function readMetadata(path: string): Promise<WorkspaceMetadata | undefined> {
  try {
    const parsed = metadataSchema.safeParse(JSON.parse(await readFile(path, "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function writeMetadata(path: string, metadata: WorkspaceMetadata): Promise<void> {
  const temporary = `${path}${temporaryMarker}${randomUUID()}`;
  await writeFile(temporary, `${JSON.stringify(metadata, null, 2)}\n`);
  await rename(temporary, path);
}

export function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Makes a working copy of the mirror at `root` on `branch` at `start`: what
 * `git clone --local` does (hardlink every object) without its ref advertisement
 * round trip through upload-pack, which costs ~0.1 s on a 3,000-file repository.
 * Built under a temporary name and renamed into place, so a crash never leaves a
 * half-made copy under the final name. A tree that would not fit the workspace quota is
 * refused before anything is written, and a checkout that outgrows it is stopped.
 */
export async function cloneWorkingCopy(
  mirrorPath: string,
  root: string,
  branch: string,
  start: string,
  quotaMb: number,
): Promise<void> {
  const { hasAttributes } = await requireCheckoutFits(mirrorPath, start, quotaMb);
  const temporary = `${root}${temporaryMarker}${randomUUID()}`;
  try {
    await runGit(["init", "-q", "--template=", temporary], { cwd: dirname(mirrorPath) });
    await linkTree(join(mirrorPath, "objects"), join(temporary, ".git", "objects"));
    await checkoutWithinQuota(temporary, ["checkout", "-q", "-B", branch, start], quotaMb, hasAttributes);
    await rm(root, { recursive: true, force: true });
    await rename(temporary, root);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
}

/** Hardlinks every file of `source` into `target` (copies across file systems). Objects are immutable. */
export async function linkTree(source: string, target: string): Promise<void> {
  await mkdir(target, { recursive: true });
  const entries = await readdir(source, { withFileTypes: true });
  await Promise.all(
    entries.map(async (entry) => {
      const from = join(source, entry.name);
      const to = join(target, entry.name);
      if (entry.isDirectory()) return linkTree(from, to);
      if (!entry.isFile()) return;
      try {
        await link(from, to);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") return;
        await copyFile(from, to);
      }
    }),
  );
}
