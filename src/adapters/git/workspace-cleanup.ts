import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { DiskTally } from "./disk-usage.ts";
import { removeTree } from "./remove-tree.ts";
import { temporaryMarker } from "./workspace-files.ts";

export interface CleanupRequest {
  /** Milliseconds since the epoch; default Date.now(). */
  now?: number;
  /** Which sessions are finished; unfinished sessions are never touched. */
  isFinished: (sessionId: string) => boolean | Promise<boolean>;
  /** Idle time after which a finished session's workspaces go. */
  ttlSeconds: number;
}

export interface CleanupResult {
  removed: string[];
  bytesFreed: number;
  bytesInUse: number;
}

export interface DiskUsage {
  mirrorsBytes: number;
  workspacesBytes: number;
  /** Hardlinked objects counted once. */
  totalBytes: number;
  sessions: Record<string, number>;
}

const staleTemporaryMs = 3600_000;

/** Removes the workspace directories of finished sessions idle for longer than the TTL. */
export async function removeFinishedSessions(
  dataDir: string,
  request: CleanupRequest,
): Promise<CleanupResult> {
  const workspacesDirectory = join(dataDir, "workspaces");
  const now = request.now ?? Date.now();
  const removed: string[] = [];
  let bytesFreed = 0;
  for (const sessionId of await listDirectories(workspacesDirectory)) {
    const directory = join(workspacesDirectory, sessionId);
    await removeStaleTemporaries(directory, now);
    if (!(await request.isFinished(sessionId))) continue;
    const idleMs = now - (await lastActivity(directory));
    if (idleMs < request.ttlSeconds * 1000) continue;
    const tally = new DiskTally();
    await tally.add(directory);
    try {
      await removeTree(directory);
    } catch {
      // Left for the next sweep; the sessions after it are still cleaned.
      continue;
    }
    bytesFreed += tally.exclusiveBytes;
    removed.push(sessionId);
  }
  const usage = await measureDiskUsage(dataDir);
  return { removed, bytesFreed, bytesInUse: usage.totalBytes };
}

export async function measureDiskUsage(dataDir: string): Promise<DiskUsage> {
  const workspacesDirectory = join(dataDir, "workspaces");
  const total = new DiskTally();
  await total.add(join(dataDir, "mirrors"));
  const mirrorsBytes = total.bytes;
  const sessions: Record<string, number> = {};
  for (const sessionId of await listDirectories(workspacesDirectory)) {
    const before = total.bytes;
    await total.add(join(workspacesDirectory, sessionId));
    sessions[sessionId] = total.bytes - before;
  }
  return { mirrorsBytes, workspacesBytes: total.bytes - mirrorsBytes, totalBytes: total.bytes, sessions };
}

async function listDirectories(path: string): Promise<string[]> {
  try {
    const entries = await readdir(path, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch {
    return [];
  }
}

/** Newest change in a session: its metadata files, working copies' top level and git indexes. */
async function lastActivity(directory: string): Promise<number> {
  const times = [(await stat(directory)).mtimeMs];
  for (const entry of await readdir(directory)) {
    for (const path of [join(directory, entry), join(directory, entry, ".git", "index")]) {
      const info = await stat(path).catch(() => undefined);
      if (info) times.push(info.mtimeMs);
    }
  }
  return Math.max(...times);
}

/** Half-made clones and metadata from a crash. */
async function removeStaleTemporaries(directory: string, now: number): Promise<void> {
  for (const entry of await readdir(directory)) {
    if (!entry.includes(temporaryMarker)) continue;
    const path = join(directory, entry);
    const info = await stat(path).catch(() => undefined);
    if (info && now - info.mtimeMs > staleTemporaryMs) await removeTree(path).catch(() => undefined);
  }
}
