import { constants } from "node:fs";
import { chmod, type FileHandle, lstat, open, readdir, rm } from "node:fs/promises";
import { childPath, openPinnedDirectory } from "./pinned-directory.ts";

/** Linux's O_PATH on every architecture Node runs on: a descriptor that pins an inode without reading it. */
const pathOnly = 0o10000000;
/** Deeper directories are left unreadable: each level holds a descriptor while it is opened up. */
const maximumDepth = 128;

function isDenied(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "EACCES" || code === "EPERM";
}

/**
 * Removes the tree at `path` like `rm -rf`, also when a command left directories in it that
 * the service may not read (`chmod 000`), which `fs.rm` cannot empty unless it runs as root.
 * Each such directory is given owner rwx through a descriptor pinned to it (O_PATH with
 * O_NOFOLLOW, reached relative to its open parent), never by path: the only modes changed
 * are those of directories of the tree being deleted, and a symlink is never followed.
 */
export async function removeTree(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true });
    return;
  } catch (error) {
    if (!isDenied(error)) throw error;
  }
  await openUp(path, 1);
  await rm(path, { recursive: true, force: true });
}

/** Makes the directory at `location` (only its last component resolved by name) and those below readable. */
async function openUp(location: string, depth: number): Promise<void> {
  let directory: FileHandle;
  try {
    directory = await openPinnedDirectory(location);
  } catch (error) {
    if (!isDenied(error)) return;
    const pinned = await open(location, pathOnly | constants.O_DIRECTORY | constants.O_NOFOLLOW).catch(
      () => undefined,
    );
    if (!pinned) return;
    try {
      if ((await pinned.stat()).uid === process.getuid?.()) await chmod(childPath(pinned), 0o700);
    } catch {
      return;
    } finally {
      await pinned.close();
    }
    try {
      directory = await openPinnedDirectory(location);
    } catch {
      return;
    }
  }
  try {
    if (depth >= maximumDepth) return;
    const names = await readdir(childPath(directory)).catch(() => []);
    for (const name of names) {
      const entry = childPath(directory, name);
      if ((await lstat(entry).catch(() => undefined))?.isDirectory()) await openUp(entry, depth + 1);
    }
  } finally {
    await directory.close();
  }
}
