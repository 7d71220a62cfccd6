import { constants } from "node:fs";
import { open, readdir, readlink, rm } from "node:fs/promises";
import { basename, join } from "node:path";

const chunkBytes = 1024 * 1024;

/** What a walk knows of an entry without following it: `lstat`'s Stats or a Dirent. */
interface EntryType {
  isFile(): boolean;
  isSymbolicLink(): boolean;
}

/**
 * Whether the entry at `path` holds one of `needles`: a regular file's name or content (read in
 * chunks, never through a symlink), or a symlink's name or target; directories and the rest hold
 * none. A file that cannot be read counts as holding one, since what cannot be checked cannot be
 * kept; one that vanished holds nothing.
 */
async function entryHoldsAny(path: string, info: EntryType, needles: readonly Buffer[]): Promise<boolean> {
  if (needles.length === 0 || (!info.isFile() && !info.isSymbolicLink())) return false;
  const name = Buffer.from(basename(path));
  if (needles.some((needle) => name.includes(needle))) return true;
  if (info.isSymbolicLink()) {
    const target = await readlink(path, { encoding: "buffer" }).catch(() => undefined);
    return target !== undefined && needles.some((needle) => target.includes(needle));
  }
  const overlap = Math.max(...needles.map((needle) => needle.length)) - 1;
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    if (!(await handle.stat()).isFile()) return false;
    const buffer = Buffer.alloc(chunkBytes + overlap);
    let kept = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, kept, chunkBytes, null);
      if (bytesRead === 0) return false;
      const window = buffer.subarray(0, kept + bytesRead);
      if (needles.some((needle) => window.includes(needle))) return true;
      kept = Math.min(overlap, window.length);
      window.copy(buffer, 0, window.length - kept);
    }
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ENOENT";
  } finally {
    await handle?.close();
  }
}

/**
 * Paths below `directory` whose entries hold one of `needles`. Only for directories of the
 * service's own, which no command can change while they are read (a cache entry being stored).
 */
export async function treeEntriesHolding(directory: string, needles: readonly Buffer[]): Promise<string[]> {
  if (needles.length === 0) return [];
  const found: string[] = [];
  for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() && !entry.isSymbolicLink()) continue;
    const path = join(entry.parentPath, entry.name);
    if (await entryHoldsAny(path, entry, needles)) found.push(path);
  }
  return found;
}

/**
 * Removes the entries that hold one of `needles`, as a walk met them (never followed), and
 * returns their paths. For a workspace after setup, when no command of it runs any more.
 */
export async function removeEntriesHolding(
  entries: ReadonlyArray<{ path: string; info: EntryType }>,
  needles: readonly Buffer[],
): Promise<string[]> {
  const removed: string[] = [];
  for (const { path, info } of entries) {
    if (!(await entryHoldsAny(path, info, needles))) continue;
    await rm(path, { force: true });
    removed.push(path);
  }
  return removed;
}
