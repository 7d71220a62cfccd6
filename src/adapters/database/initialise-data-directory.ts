import { fork } from "node:child_process";
import { access } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

class DataDirectoryInitialisationError extends Error {
  constructor(directory: string, detail: string) {
    super(`could not create the embedded database in ${directory}: ${detail}`);
    this.name = "DataDirectoryInitialisationError";
  }
}

const child = fileURLToPath(new URL("./initialise-data-directory-process.ts", import.meta.url));

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates a new PGlite data directory, migrated, in a short-lived child process. PGlite's
 * initdb runs a second database instance next to the first (about 1.3 GiB of RSS at its
 * peak), and the first migration of a new database makes V8 optimise much of PGlite's
 * WebAssembly (about 400 MiB more that stays). In a child both go back to the system when
 * it exits instead of staying the app's. A directory that already holds a database is left
 * alone; `migrateDatabase` still applies what a later version adds.
 */
export async function initialiseDataDirectory(directory: string): Promise<void> {
  if (await exists(path.join(directory, "PG_VERSION"))) return;
  const process = fork(child, [directory], {
    // The child needs nothing from the app's environment, and must not see its secrets.
    env: {},
    execArgv: [],
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  process.stderr?.setEncoding("utf8");
  process.stderr?.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    process.once("error", reject);
    process.once("exit", resolve);
  });
  if (code !== 0) throw new DataDirectoryInitialisationError(directory, stderr.trim() || `exit ${code}`);
}
