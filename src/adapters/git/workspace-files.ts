import { randomUUID } from "node:crypto";
import { readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
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
 * Clones the mirror (objects hardlinked) into a fresh directory next to `root`, checks
 * out `branch` at `start`, then renames it into place: a crash never leaves a
 * half-made copy under the final name.
 */
export async function cloneWorkingCopy(
  mirrorPath: string,
  root: string,
  branch: string,
  start: string,
): Promise<void> {
  const temporary = `${root}${temporaryMarker}${randomUUID()}`;
  try {
    await runGit(["clone", "-q", "--local", "--no-checkout", mirrorPath, temporary], {
      cwd: dirname(mirrorPath),
    });
    await runGit(["checkout", "-q", "-B", branch, start], { cwd: temporary });
    await rm(root, { recursive: true, force: true });
    await rename(temporary, root);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
}
