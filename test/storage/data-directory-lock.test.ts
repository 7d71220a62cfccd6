import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockDataDirectory } from "../../src/adapters/database/data-directory-lock.ts";

describe("embedded database lock", () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), "threadwork-lock-"));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("refuses a second owner while the first is alive, naming its process", async () => {
    const lockPath = path.join(directory, "live.lock");
    const lock = await lockDataDirectory(lockPath);
    expect(await readFile(lockPath, "utf8")).toBe(String(process.pid));
    await expect(lockDataDirectory(lockPath)).rejects.toThrow(`in use by process ${process.pid}`);
    await lock.release();
    await expect(stat(lockPath)).rejects.toThrow();
    const again = await lockDataDirectory(lockPath);
    await again.release();
  });

  it("takes over the lock of a process that died", async () => {
    const lockPath = path.join(directory, "stale.lock");
    const exited = spawnSync(process.execPath, ["-e", "0"]);
    await writeFile(lockPath, String(exited.pid));
    const lock = await lockDataDirectory(lockPath);
    expect(await readFile(lockPath, "utf8")).toBe(String(process.pid));
    await lock.release();
  });

  it("takes over an unreadable lock file", async () => {
    const lockPath = path.join(directory, "garbage.lock");
    await writeFile(lockPath, "not a pid");
    const lock = await lockDataDirectory(lockPath);
    await lock.release();
  });
});
