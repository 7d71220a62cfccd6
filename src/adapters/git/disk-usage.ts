import type { Stats } from "node:fs";
import { chmod, lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import { WorkspaceRequestError } from "./git-error.ts";

interface InodeRecord {
  bytes: number;
  links: number;
  seen: number;
}

/** What one entry costs at least in `apparent` mode: an inode and a block, as on most file systems. */
export const minimumEntryBytes = 4096;

/**
 * Sizes of directory trees by allocated blocks, counting each inode once: workspaces
 * share hardlinked object packs with their mirror, so a naive sum would overstate use.
 * Only inodes with more than one link are remembered, so a tree of millions of files
 * costs a counter, not a map entry each.
 */
export class DiskTally {
  readonly #inodes = new Map<string, InodeRecord>();
  readonly #apparent: boolean;
  readonly #openDirectories: boolean;
  readonly #visit: ((path: string, info: Stats) => void) | undefined;
  #unlinkedBytes = 0;

  /**
   * `apparent`: a file counts at least its size, so sparse files (no blocks yet) count in
   * full, and every entry at least 4 KiB, so millions of empty files (inodes) count too.
   * `openDirectories`: give our own directories back owner rwx before reading them. A
   * sandboxed command (same uid) can `chmod 000` a directory to hide what it holds from
   * the quota; the service owns it and may open it again.
   */
  constructor(
    options: {
      apparent?: boolean;
      openDirectories?: boolean;
      visit?: (path: string, info: Stats) => void;
    } = {},
  ) {
    this.#apparent = options.apparent ?? false;
    this.#openDirectories = options.openDirectories ?? false;
    this.#visit = options.visit;
  }

  async add(path: string): Promise<void> {
    let info: Stats;
    try {
      info = await lstat(path);
    } catch {
      return;
    }
    this.#visit?.(path, info);
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
    if (!info.isDirectory()) return;
    if (this.#openDirectories && (info.mode & 0o700) !== 0o700 && info.uid === process.getuid?.()) {
      await chmod(path, (info.mode & 0o7777) | 0o700).catch(() => undefined);
    }
    let entries: string[];
    try {
      entries = await readdir(path);
    } catch {
      return;
    }
    for (let index = 0; index < entries.length; index += 64) {
      await Promise.all(entries.slice(index, index + 64).map((entry) => this.add(join(path, entry))));
    }
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
  const used = tally.exclusiveBytes;
  if (used > quotaMb * 1024 * 1024) {
    throw new WorkspaceRequestError(
      `the working copy holds ${(used / 1024 / 1024).toFixed(1)} MiB, over its ${quotaMb} MiB disk quota; nothing was committed or pushed`,
    );
  }
}
