import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { open, readdir } from "node:fs/promises";
import { join } from "node:path";

/** Files at a repository's root that pin its dependencies: the setup cache is keyed by their content. */
const lockFileNames = new Set([
  "package-lock.json",
  "npm-shrinkwrap.json",
  "pnpm-lock.yaml",
  "yarn.lock",
  "bun.lock",
  "bun.lockb",
  "deno.lock",
  "poetry.lock",
  "Pipfile.lock",
  "uv.lock",
  "pdm.lock",
  "Cargo.lock",
  "go.sum",
  "Gemfile.lock",
  "composer.lock",
  "mix.lock",
  "pubspec.lock",
]);

export function isLockFileName(name: string): boolean {
  return lockFileNames.has(name) || /^requirements[\w.-]*\.txt$/.test(name);
}

/** Larger lock files are not read: the workspace is not cached. */
const maximumLockFileBytes = 64 * 1024 * 1024;

/**
 * The content of a regular file at `path`, never through a symlink (the working copy is the
 * repository's, and a symlink could point at a file of the service), at most `maximumBytes`;
 * undefined when it is anything else or larger.
 */
export async function readRegularFile(path: string, maximumBytes: number): Promise<Buffer | undefined> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const info = await handle.stat();
    if (!info.isFile() || info.size > maximumBytes) return undefined;
    return await handle.readFile();
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

/**
 * The setup cache key of a working copy: the repository, the setup command (with the
 * repository's own setup script when it is used), the platform and Node version, and the content of every
 * lock file at the root. Undefined without a lock file: what an unpinned install produces
 * today may differ tomorrow, so it is not reused.
 */
export async function setupCacheKey(request: {
  root: string;
  repoName: string;
  command: string;
  /** The repository's setup script, when the operator lets it run. */
  script?: Buffer | undefined;
}): Promise<string | undefined> {
  const names = (await readdir(request.root)).filter(isLockFileName).sort();
  const hash = createHash("sha256");
  hash.update(
    JSON.stringify([
      "threadwork-setup-v1",
      request.repoName,
      request.command,
      process.platform,
      process.arch,
      // Native addons are built for one Node ABI: a service upgrade starts a fresh cache.
      process.version,
    ]),
  );
  if (request.script) hash.update(createHash("sha256").update(request.script).digest("hex"));
  let locks = 0;
  for (const name of names) {
    const content = await readRegularFile(join(request.root, name), maximumLockFileBytes);
    if (!content) return undefined;
    hash.update(`\0${name}\0${createHash("sha256").update(content).digest("hex")}`);
    locks += 1;
  }
  return locks === 0 ? undefined : hash.digest("hex").slice(0, 32);
}
