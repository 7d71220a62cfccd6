import type { Stats } from "node:fs";
import { type FileHandle, lstat, readdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import { WorkspaceRequestError } from "./git-error.ts";
import { childPath, isGone, openPinnedDirectory } from "./pinned-directory.ts";

interface InodeRecord {
  bytes: number;
  links: number;
  seen: number;
}

/** A directory whose content the walk could not measure. */
export interface UnmeasuredDirectory {
  path: string;
  reason: "unreadable" | "too deep";
}

/** What one entry costs at least in `apparent` mode: an inode and a block, as on most file systems. */
export const minimumEntryBytes = 4096;
/** Entries examined at once in one directory. */
const entryBatch = 64;
/** Subtrees walked at once beside the main one: each holds its directories open, so this bounds the fds. */
const parallelSubtrees = 16;
/** Deeper directories are not opened (each level holds one fd while its subtree is walked). */
export const maximumDepth = 128;

/**
 * Sizes of directory trees by allocated blocks, counting each inode once: workspaces
 * share hardlinked object packs with their mirror, so a naive sum would overstate use.
 * Only inodes with more than one link are remembered, so a tree of millions of files
 * costs a counter, not a map entry each.
 *
 * The trees are a command's to change while they are walked, so the walk never follows a
 * path the command could have replaced: each directory is opened with O_NOFOLLOW and held
 * open, and its entries are named only relative to it (see `childPath`). It never changes a
 * mode either: a directory it may not open (a command's `chmod 000`) is listed in
 * `unmeasured`, for the caller to treat as unknown, never as empty.
 */
export class DiskTally {
  readonly #inodes = new Map<string, InodeRecord>();
  readonly #apparent: boolean;
  readonly #visit: ((path: string, info: Stats) => boolean | undefined) | undefined;
  readonly #unmeasured: UnmeasuredDirectory[] = [];
  readonly #removed: string[] = [];
  #unlinkedBytes = 0;
  #freeSubtrees = parallelSubtrees;

  /**
   * `apparent`: a file counts at least its size, so sparse files (no blocks yet) count in
   * full, and every entry at least 4 KiB, so millions of empty files (inodes) count too.
   * `visit`: sees every entry; returning true unlinks it (never a directory) through its
   * open parent, so the name removed is the one seen, in the directory walked.
   */
  constructor(
    options: {
      apparent?: boolean;
      visit?: (path: string, info: Stats) => boolean | undefined;
    } = {},
  ) {
    this.#apparent = options.apparent ?? false;
    this.#visit = options.visit;
  }

  async add(path: string): Promise<void> {
    let info: Stats;
    try {
      info = await lstat(path);
    } catch {
      return;
    }
    this.#count(info);
    this.#visit?.(path, info);
    if (info.isDirectory()) await this.#descend(path, () => openPinnedDirectory(path), 1);
  }

  /** Directories whose content is not in the total: unreadable to the service, or too deep. */
  get unmeasured(): readonly UnmeasuredDirectory[] {
    return this.#unmeasured;
  }

  /** Paths `visit` asked to remove, and which were. */
  get removed(): readonly string[] {
    return this.#removed;
  }

  #count(info: Stats): void {
    const blocks = info.blocks * 512;
    const bytes = this.#apparent
      ? Math.max(blocks, info.isFile() ? info.size : 0, minimumEntryBytes)
      : blocks;
    // A directory cannot be hard-linked: like a file with one link, it is counted right here.
    if (info.isDirectory() || info.nlink <= 1) this.#unlinkedBytes += bytes;
    else {
      const key = `${info.dev}:${info.ino}`;
      const record = this.#inodes.get(key);
      if (record) record.seen += 1;
      else this.#inodes.set(key, { bytes, links: info.nlink, seen: 1 });
    }
  }

  async #descend(path: string, opening: () => Promise<FileHandle>, depth: number): Promise<void> {
    if (depth > maximumDepth) {
      this.#unmeasured.push({ path, reason: "too deep" });
      return;
    }
    let directory: FileHandle;
    try {
      directory = await opening();
    } catch (error) {
      // Replaced by a symlink or a file since it was seen: not a directory of the tree now.
      if (!isGone(error)) this.#unmeasured.push({ path, reason: "unreadable" });
      return;
    }
    try {
      await this.#walk(directory, path, depth);
    } finally {
      await directory.close();
    }
  }

  async #walk(directory: FileHandle, path: string, depth: number): Promise<void> {
    let names: string[];
    try {
      names = await readdir(childPath(directory));
    } catch (error) {
      if (!isGone(error)) this.#unmeasured.push({ path, reason: "unreadable" });
      return;
    }
    const subdirectories: string[] = [];
    for (let index = 0; index < names.length; index += entryBatch) {
      await Promise.all(
        names.slice(index, index + entryBatch).map(async (name) => {
          const entry = childPath(directory, name);
          let info: Stats;
          try {
            info = await lstat(entry);
          } catch {
            return;
          }
          const entryPath = join(path, name);
          this.#count(info);
          const remove = this.#visit?.(entryPath, info) === true;
          if (info.isDirectory()) subdirectories.push(name);
          else if (remove) {
            // Swapped for a directory since: unlink refuses it, and the next walk sees it again.
            await unlink(entry).then(
              () => this.#removed.push(entryPath),
              () => undefined,
            );
          }
        }),
      );
    }
    const parallel: Promise<void>[] = [];
    for (const name of subdirectories) {
      const walk = () =>
        this.#descend(join(path, name), () => openPinnedDirectory(childPath(directory, name)), depth + 1);
      if (this.#freeSubtrees === 0) {
        await walk();
        continue;
      }
      this.#freeSubtrees -= 1;
      parallel.push(
        walk().finally(() => {
          this.#freeSubtrees += 1;
        }),
      );
    }
    await Promise.all(parallel);
  }

  /** Bytes of every inode seen. */
  get bytes(): number {
    let total = this.#unlinkedBytes;
    for (const record of this.#inodes.values()) total += record.bytes;
    return total;
  }

  /** Bytes that deleting the added trees would free: inodes with no link outside them. */
  get exclusiveBytes(): number {
    let total = this.#unlinkedBytes;
    for (const record of this.#inodes.values()) if (record.seen >= record.links) total += record.bytes;
    return total;
  }
}

export async function treeBytes(...paths: string[]): Promise<number> {
  const tally = new DiskTally();
  for (const path of paths) await tally.add(path);
  return tally.bytes;
}

/** THREADWORK_WORKSPACE_QUOTA_MB's default. */
export const defaultWorkspaceQuotaMb = 5120;

/**
 * Refuses to stage a working copy over its quota by apparent size: git reads and compresses
 * every byte it stages, sparse files included, in the service's own process tree.
 */
export async function requireRoomToStage(root: string, quotaMb: number): Promise<void> {
  const tally = new DiskTally({ apparent: true });
  await tally.add(root);
  const unmeasured = tally.unmeasured[0];
  if (unmeasured) {
    throw new WorkspaceRequestError(
      `the working copy's size cannot be measured against its disk quota (${describeUnmeasured(unmeasured, root)}); nothing was committed or pushed`,
    );
  }
  const used = tally.exclusiveBytes;
  if (used > quotaMb * 1024 * 1024) {
    throw new WorkspaceRequestError(
      `the working copy holds ${(used / 1024 / 1024).toFixed(1)} MiB, over its ${quotaMb} MiB disk quota; nothing was committed or pushed`,
    );
  }
}

/** `build/cache (unreadable)`: relative to `root` when inside it. */
export function describeUnmeasured(directory: UnmeasuredDirectory, root: string): string {
  const shown = directory.path.startsWith(`${root}/`)
    ? directory.path.slice(root.length + 1)
    : directory.path;
  return directory.reason === "unreadable"
    ? `the service cannot read ${shown}`
    : `${shown} is more than ${maximumDepth} directories deep`;
}

/** How often a tree is measured while something writes to it, at the least. */
const measureIntervalMs = 1000;

/**
 * Measures a tree again and again while something writes to it: once a second, or four times
 * as long as the last measurement took, so a large tree costs at most a fifth of a core.
 * `decide` sees each measurement unless the watch was stopped meanwhile; true ends the watch.
 * Returns the stop.
 */
export function measureRepeatedly<T>(measure: () => Promise<T>, decide: (value: T) => boolean): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const round = async (): Promise<void> => {
    const started = performance.now();
    const value = await measure();
    if (stopped || decide(value)) return;
    timer = setTimeout(() => void round(), Math.max(measureIntervalMs, (performance.now() - started) * 4));
  };
  timer = setTimeout(() => void round(), measureIntervalMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
