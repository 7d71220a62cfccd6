import { randomUUID } from "node:crypto";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import type { RepositoryConfig } from "../../config/repository-config.ts";
import { pathInsideFolder } from "../../domain/path-inside-folder.ts";
import { runGit } from "./git-command.ts";
import { WorkspaceRequestError } from "./git-error.ts";
import type { RemoteTransport } from "./remote-transport.ts";
import { isRemoteUrl } from "./workspace-names.ts";

export interface Mirror {
  repository: RepositoryConfig;
  /** Absolute path of the bare mirror. */
  path: string;
  defaultBranch: string;
  /** Commit of the default branch after the last refresh. */
  head: string;
}

/**
 * One bare mirror per repository. Created on first use, refreshed when used (at most
 * once per `refreshIntervalMs`); concurrent requests for the same mirror share one
 * fetch. Local paths are fetched with native git, https remotes with the in-process
 * transport.
 */
export class MirrorStore {
  readonly #directory: string;
  readonly #repositories: Map<string, RepositoryConfig>;
  readonly #transport: RemoteTransport;
  readonly #refreshIntervalMs: number;
  readonly #onRefreshError: (repository: string, error: unknown) => void;
  readonly #inFlight = new Map<string, Promise<Mirror>>();
  readonly #refreshedAt = new Map<string, number>();
  readonly #mirrors = new Map<string, Mirror>();

  constructor(options: {
    directory: string;
    repositories: RepositoryConfig[];
    transport: RemoteTransport;
    refreshIntervalMs: number;
    onRefreshError?: (repository: string, error: unknown) => void;
  }) {
    this.#onRefreshError = options.onRefreshError ?? (() => undefined);
    this.#directory = options.directory;
    this.#repositories = new Map(options.repositories.map((repository) => [repository.name, repository]));
    this.#transport = options.transport;
    this.#refreshIntervalMs = options.refreshIntervalMs;
    for (const repository of options.repositories) {
      const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(repository.url)?.[1]?.toLowerCase();
      if (isRemoteUrl(repository.url) && /^https?:\/\/[^/]*@/i.test(repository.url)) {
        // The URL would land in the mirror's git config and in messages: keep tokens in GIT_TOKEN.
        throw new WorkspaceRequestError(
          `Repository ${repository.name}: put credentials in GIT_TOKEN, not in the URL`,
        );
      }
      if (scheme && !["http", "https", "file"].includes(scheme)) {
        throw new WorkspaceRequestError(
          `Repository ${repository.name}: only https URLs and local paths are supported, not ${repository.url.split(":")[0]}`,
        );
      }
    }
  }

  repository(name: string): RepositoryConfig {
    const repository = this.#repositories.get(name);
    if (!repository) {
      const known = [...this.#repositories.keys()].join(", ") || "none configured";
      throw new WorkspaceRequestError(`Unknown repository "${name}" (known: ${known})`, { repository: name });
    }
    return repository;
  }

  pathOf(name: string): string {
    return pathInsideFolder(this.#directory, `${name}.git`);
  }

  /** The mirror, fetched if missing and refreshed if older than the refresh interval. */
  async get(name: string, options: { forceRefresh?: boolean } = {}): Promise<Mirror> {
    const repository = this.repository(name);
    const running = this.#inFlight.get(name);
    if (running) return running;
    const last = this.#refreshedAt.get(name);
    const cached = this.#mirrors.get(name);
    if (
      cached &&
      last !== undefined &&
      !options.forceRefresh &&
      Date.now() - last < this.#refreshIntervalMs
    ) {
      return cached;
    }
    const work = this.#update(repository).finally(() => this.#inFlight.delete(name));
    this.#inFlight.set(name, work);
    return work;
  }

  async #update(repository: RepositoryConfig): Promise<Mirror> {
    const path = this.pathOf(repository.name);
    const exists = await stat(join(path, "HEAD")).then(
      () => true,
      () => false,
    );
    if (!exists) await this.#create(repository, path);
    else {
      try {
        await this.#refresh(repository, path);
      } catch (error) {
        // A stale mirror beats no workspace: the remote may be briefly unreachable.
        this.#onRefreshError(repository.name, error);
      }
    }
    const mirror = await this.#describe(repository, path);
    this.#mirrors.set(repository.name, mirror);
    this.#refreshedAt.set(repository.name, Date.now());
    return mirror;
  }

  async #create(repository: RepositoryConfig, path: string): Promise<void> {
    await mkdir(this.#directory, { recursive: true });
    const temporary = `${path}.tmp-${randomUUID()}`;
    try {
      if (isRemoteUrl(repository.url)) {
        await runGit(["init", "-q", "--bare", temporary], { cwd: this.#directory });
        await this.#fetchRemote(repository.url, temporary);
      } else {
        await runGit(["clone", "-q", "--mirror", localSource(repository.url), temporary], {
          cwd: this.#directory,
        });
        await packLooseObjects(temporary);
      }
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { recursive: true, force: true });
      throw error;
    }
  }

  async #refresh(repository: RepositoryConfig, path: string): Promise<void> {
    if (isRemoteUrl(repository.url)) await this.#fetchRemote(repository.url, path);
    else {
      await runGit(["fetch", "-q", "--prune", "origin"], { cwd: path });
      await packLooseObjects(path);
    }
  }

  /** isomorphic-git fetches into refs/remotes/origin; mirror those as the mirror's own branches. */
  async #fetchRemote(url: string, path: string): Promise<void> {
    await runGit(["config", "remote.origin.url", url], { cwd: path });
    await runGit(["config", "remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*"], { cwd: path });
    const { defaultBranch } = await this.#transport.fetchAll(path, url);
    const listing = await runGit(
      ["for-each-ref", "--format=%(refname) %(objectname)", "refs/remotes/origin/", "refs/heads/"],
      { cwd: path },
    );
    const remote = new Map<string, string>();
    const local = new Set<string>();
    for (const line of listing.stdout.split("\n")) {
      const [ref, sha] = line.split(" ");
      if (!ref || !sha) continue;
      if (ref.startsWith("refs/remotes/origin/")) {
        const branch = ref.slice("refs/remotes/origin/".length);
        if (branch !== "HEAD") remote.set(branch, sha);
      } else local.add(ref.slice("refs/heads/".length));
    }
    const commands = [...remote].map(([branch, sha]) => `update refs/heads/${branch} ${sha}`);
    for (const branch of local) if (!remote.has(branch)) commands.push(`delete refs/heads/${branch}`);
    if (commands.length > 0)
      await runGit(["update-ref", "--stdin"], { cwd: path, input: `${commands.join("\n")}\n` });
    const head = defaultBranch && remote.has(defaultBranch) ? defaultBranch : [...remote.keys()][0];
    if (head) await runGit(["symbolic-ref", "HEAD", `refs/heads/${head}`], { cwd: path });
  }

  async #describe(repository: RepositoryConfig, path: string): Promise<Mirror> {
    // A configured default branch wins over the remote's HEAD.
    const branch = repository.defaultBranch
      ? undefined
      : await runGit(["symbolic-ref", "-q", "--short", "HEAD"], { cwd: path, allowFailure: true });
    const defaultBranch = repository.defaultBranch ?? (branch?.stdout.trim() || "main");
    const head = await runGit(["rev-parse", "-q", "--verify", `refs/heads/${defaultBranch}^{commit}`], {
      cwd: path,
      allowFailure: true,
    });
    if (head.exitCode !== 0) {
      const configured = repository.defaultBranch ? " (its configured defaultBranch)" : "";
      throw new WorkspaceRequestError(
        `Repository ${repository.name} has no commits on ${defaultBranch}${configured}`,
        { repository: repository.name },
      );
    }
    return { repository, path, defaultBranch, head: head.stdout.trim() };
  }
}

const looseObjectLimit = 500;

/**
 * A local clone --mirror hardlinks the source's loose objects, thousands for a freshly
 * committed repository; every workspace would then link them one by one. Packing them
 * once keeps workspace creation to a handful of links. Existing packs are left alone.
 */
async function packLooseObjects(path: string): Promise<void> {
  const counted = await runGit(["count-objects"], { cwd: path });
  const loose = Number.parseInt(counted.stdout, 10);
  if (loose > looseObjectLimit) await runGit(["repack", "-d", "-q"], { cwd: path });
}

function localSource(url: string): string {
  const path = url.startsWith("file://") ? new URL(url).pathname : url;
  return isAbsolute(path) ? path : resolve(path);
}
