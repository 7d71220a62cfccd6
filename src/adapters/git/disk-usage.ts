import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import { WorkspaceRequestError } from "./git-error.ts";

interface InodeRecord {
  bytes: number;
  links: number;
  seen: number;
}

/**
 * Sizes of directory trees by allocated blocks, counting each inode once: workspaces
 * share hardlinked object packs with their mirror, so a naive sum would overstate use.
 */
export class DiskTally {
  readonly #inodes = new Map<string, InodeRecord>();
  readonly #apparent: boolean;

  /** `apparent`: a file counts at least its size, so sparse files (no blocks yet) count in full. */
  constructor(options: { apparent?: boolean } = {}) {
    this.#apparent = options.apparent ?? false;
  }

  async add(path: string): Promise<void> {
    let info: Awaited<ReturnType<typeof lstat>>;
    try {
      info = await lstat(path);
    } catch {
      return;
    }
    const key = `${info.dev}:${info.ino}`;
    const record = this.#inodes.get(key);
    if (record) record.seen += 1;
    else {
      const blocks = info.blocks * 512;
      const bytes = this.#apparent && info.isFile() ? Math.max(blocks, info.size) : blocks;
      this.#inodes.set(key, { bytes, links: info.nlink, seen: 1 });
    }
    if (!info.isDirectory()) return;
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
    let total = 0;
    for (const record of this.#inodes.values()) total += record.bytes;
    return total;
  }

  /** Bytes that deleting the added trees would free: inodes with no link outside them. */
  get exclusiveBytes(): number {
    let total = 0;
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
