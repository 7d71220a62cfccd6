import type { Stats } from "node:fs";
import { chmod, lstat, readdir } from "node:fs/promises";
import { join } from "node:path";

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
  readonly #openDirectories: boolean;
  readonly #visit: ((path: string, info: Stats) => void) | undefined;

  /**
   * `openDirectories`: give our own directories back owner rwx before reading them. A
   * sandboxed command (same uid) can `chmod 000` a directory to hide what it holds from
   * the quota; the service owns it and may open it again.
   */
  constructor(options: { openDirectories?: boolean; visit?: (path: string, info: Stats) => void } = {}) {
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
    const key = `${info.dev}:${info.ino}`;
    const record = this.#inodes.get(key);
    if (record) record.seen += 1;
    else this.#inodes.set(key, { bytes: info.blocks * 512, links: info.nlink, seen: 1 });
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
