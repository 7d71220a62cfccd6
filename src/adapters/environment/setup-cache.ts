import { randomUUID } from "node:crypto";
import { lstat, mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { z } from "zod";
import { pathInsideFolder } from "../../domain/path-inside-folder.ts";
import { copyTree } from "./copy-tree.ts";
import { entryInUse, restoreAsLayers } from "./restore-layers.ts";
import type { RestoreMechanism } from "./restore-mechanism.ts";
import { treeEntriesHolding } from "./secret-files.ts";
import { layersDirectory } from "./setup-layers.ts";

/** What a cache entry holds besides the copied directories. */
const manifestSchema = z.object({
  entries: z.array(z.string()),
  command: z.string(),
  /** How long the setup that produced it took. */
  durationMs: z.number(),
  createdAt: z.string(),
});

type SetupCacheManifest = z.infer<typeof manifestSchema>;

interface SetupCacheOptions {
  /** `<dataDir>/setup-cache`; one directory per repository below it. */
  directory: string;
  /** Entries kept per repository, newest use first. Default 3. */
  keep?: number;
  /**
   * How long an entry serves after it was stored, however often it is restored: what a setup
   * produced once is not handed out for ever. Default seven days.
   */
  maximumAgeMs?: number;
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
  /** How restores reach a workspace (`detectRestoreMechanism`); copies when absent. */
  restoreMechanism?: () => Promise<RestoreMechanism>;
}

const defaultSetupCacheMaximumAgeMs = 7 * 86_400_000;

const incomingMarker = ".incoming-";
const staleIncomingMs = 3600_000;

/** A top-level name of a working copy that can be copied as it is. */
function isPlainName(name: string): boolean {
  return name !== "" && name !== "." && name !== ".." && name !== ".git" && !name.includes("/");
}

/**
 * What setup produced (new top-level entries of the working copy, e.g. `node_modules`),
 * kept per repository and cache key, so the next workspace with the same lock files
 * gets a copy instead of running setup again. An entry appears under its final name by
 * one `rename`, so two instances can store and read at once: a reader sees a whole entry
 * or none, and the second writer's rename fails and its copy is dropped.
 */
export class SetupCache {
  readonly #directory: string;
  readonly #keep: number;
  readonly #maximumAgeMs: number;
  readonly #now: () => number;
  readonly #mechanism: () => Promise<RestoreMechanism>;

  constructor(options: SetupCacheOptions) {
    this.#mechanism =
      options.restoreMechanism ??
      (() => Promise.resolve({ kind: "copy", reason: "no overlay was asked for" }));
    this.#directory = options.directory;
    this.#keep = options.keep ?? 3;
    this.#maximumAgeMs = options.maximumAgeMs ?? defaultSetupCacheMaximumAgeMs;
    this.#now = options.now ?? Date.now;
  }

  /** Stored longer ago than the maximum age (or at an unreadable time): no longer served. */
  #expired(manifest: SetupCacheManifest): boolean {
    const created = Date.parse(manifest.createdAt);
    return !Number.isFinite(created) || this.#now() - created > this.#maximumAgeMs;
  }

  /** Throws `PathOutsideFolderError` for a name that is a path (`..`): eviction there would delete what is not ours. */
  #repositoryDirectory(repoName: string): string {
    return pathInsideFolder(this.#directory, repoName);
  }

  #entryPath(repoName: string, key: string): string {
    return pathInsideFolder(this.#repositoryDirectory(repoName), key);
  }

  /** The manifest of a stored entry, or undefined when there is none (or it is unreadable or expired). */
  async lookup(repoName: string, key: string): Promise<SetupCacheManifest | undefined> {
    const manifest = await this.#readManifest(this.#entryPath(repoName, key));
    return manifest && !this.#expired(manifest) ? manifest : undefined;
  }

  async #readManifest(entryPath: string): Promise<SetupCacheManifest | undefined> {
    try {
      const text = await readFile(join(entryPath, "manifest.json"), "utf8");
      const parsed = manifestSchema.safeParse(JSON.parse(text));
      return parsed.success && parsed.data.entries.every(isPlainName) ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  /** How this cache restores: what the log and `doctor` name. */
  restoreMechanism(): Promise<RestoreMechanism> {
    return this.#mechanism();
  }

  /**
   * Gives `root` a stored entry, as overlay layers where the sandbox can mount them and as a
   * copy elsewhere; false when there is none. A name that already exists
   * in the working copy is refused (the copy would be mixed), which the caller treats as a miss.
   */
  async restore(repoName: string, key: string, root: string, signal?: AbortSignal): Promise<boolean> {
    const manifest = await this.lookup(repoName, key);
    if (!manifest) return false;
    const existing = new Set(await readdir(root));
    if (manifest.entries.some((name) => existing.has(name))) return false;
    const entryPath = this.#entryPath(repoName, key);
    const stored = join(entryPath, "entries");
    try {
      const layered =
        (await this.#mechanism()).kind === "overlay" &&
        (await restoreAsLayers(entryPath, manifest.entries, root, signal));
      if (!layered)
        await copyTree(
          manifest.entries.map((name) => join(stored, name)),
          root,
          signal,
        );
    } catch (error) {
      // A half-made copy must not pass for setup's output: the caller runs setup instead.
      await Promise.all(
        manifest.entries.map((name) => rm(join(root, name), { recursive: true, force: true })),
      );
      await rm(layersDirectory(root), { recursive: true, force: true });
      if (signal?.aborted) throw error;
      return false;
    }
    // Marks the use for eviction by count; the age is the manifest's `createdAt`, which this leaves alone.
    const now = new Date(this.#now());
    await utimes(join(this.#entryPath(repoName, key), "manifest.json"), now, now).catch(() => undefined);
    return true;
  }

  /**
   * Stores `entries` of `root` under `key`, unless another instance stored it first. A copy in
   * which a file holds one of `secrets` (setup's registry token, say) is dropped: the cache
   * serves other sessions. Returns the stored paths that held one, relative to `root`.
   */
  async store(
    repoName: string,
    key: string,
    root: string,
    manifest: Omit<SetupCacheManifest, "createdAt">,
    secrets: readonly Buffer[] = [],
  ): Promise<{ refused: string[] }> {
    const entries = manifest.entries.filter(isPlainName);
    if (entries.length === 0 || (await this.lookup(repoName, key))) return { refused: [] };
    const repositoryDirectory = this.#repositoryDirectory(repoName);
    await mkdir(repositoryDirectory, { recursive: true, mode: 0o700 });
    await this.#removeStaleIncoming(repositoryDirectory);
    // An expired entry under this key would keep the new one from being renamed into place.
    await this.#evict(repositoryDirectory);
    const incoming = join(repositoryDirectory, `${incomingMarker}${randomUUID()}`);
    try {
      await mkdir(join(incoming, "entries"), { recursive: true });
      await copyTree(
        entries.map((name) => join(root, name)),
        join(incoming, "entries"),
      );
      // The copy is ours alone: what it holds is checked here, where no command can change it.
      const holding = await treeEntriesHolding(join(incoming, "entries"), secrets);
      if (holding.length > 0) {
        await rm(incoming, { recursive: true, force: true });
        return { refused: holding.map((path) => relative(join(incoming, "entries"), path)) };
      }
      const complete: SetupCacheManifest = {
        ...manifest,
        entries,
        createdAt: new Date(this.#now()).toISOString(),
      };
      await writeFile(join(incoming, "manifest.json"), `${JSON.stringify(complete, null, 2)}\n`);
      await rename(incoming, this.#entryPath(repoName, key));
    } catch (error) {
      await rm(incoming, { recursive: true, force: true });
      const code = (error as NodeJS.ErrnoException).code;
      // Another instance renamed its copy into place first: theirs is as good as ours.
      if (code === "ENOTEMPTY" || code === "EEXIST") return { refused: [] };
      throw error;
    }
    await this.#evict(repositoryDirectory);
    return { refused: [] };
  }

  /** Keeps the most recently used entries of a repository that have not expired. */
  async #evict(repositoryDirectory: string): Promise<void> {
    const names = (await readdir(repositoryDirectory)).filter((name) => !name.startsWith("."));
    const used = await Promise.all(
      names.map(async (name) => {
        const path = join(repositoryDirectory, name);
        const manifest = await this.#readManifest(path);
        return {
          name,
          expired: !manifest || this.#expired(manifest),
          at: (await stat(join(path, "manifest.json")).catch(() => undefined))?.mtimeMs ?? 0,
        };
      }),
    );
    used.sort((left, right) => right.at - left.at);
    const live = used.filter((entry) => !entry.expired);
    const doomed = [...used.filter((entry) => entry.expired), ...live.slice(this.#keep)];
    for (const { name } of doomed) {
      if (await entryInUse(join(repositoryDirectory, name))) {
        // Still mounted by a workspace: out of service now, removed once its last user is gone.
        await rm(join(repositoryDirectory, name, "manifest.json"), { force: true });
        continue;
      }
      // Out of sight first, so no reader starts copying a half-removed entry.
      const hidden = join(repositoryDirectory, `${incomingMarker}${randomUUID()}`);
      try {
        await rename(join(repositoryDirectory, name), hidden);
      } catch {
        continue;
      }
      await rm(hidden, { recursive: true, force: true });
    }
  }

  async #removeStaleIncoming(repositoryDirectory: string): Promise<void> {
    for (const name of await readdir(repositoryDirectory)) {
      if (!name.startsWith(incomingMarker)) continue;
      const path = join(repositoryDirectory, name);
      const info = await lstat(path).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > staleIncomingMs)
        await rm(path, { recursive: true, force: true });
    }
  }
}
