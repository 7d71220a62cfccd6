import { open, readFile, rm } from "node:fs/promises";
import { StorageError } from "./storage-error.ts";

interface DataDirectoryLock {
  release(): Promise<void>;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The embedded database must have one process at a time: two PGlite instances on one
 * directory corrupt it. A lock file holds the owner's pid; a dead owner's lock is taken over.
 */
export async function lockDataDirectory(lockPath: string): Promise<DataDirectoryLock> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const handle = await open(lockPath, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return {
        async release() {
          await rm(lockPath, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = Number.parseInt(await readFile(lockPath, "utf8").catch(() => ""), 10);
    if (Number.isInteger(owner) && owner > 0 && isRunning(owner)) {
      throw new StorageError(
        `The embedded database is in use by process ${owner}. Stop it, or set DATABASE_URL to share a PostgreSQL server (lock file: ${lockPath}).`,
        { owner, lockPath },
      );
    }
    await rm(lockPath, { force: true });
  }
  throw new StorageError(`Could not lock the embedded database (lock file: ${lockPath})`, { lockPath });
}
