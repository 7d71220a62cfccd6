import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SetupCache } from "../../src/adapters/environment/setup-cache.ts";
import { MirrorStore } from "../../src/adapters/git/mirror-store.ts";
import { createRemoteTransport } from "../../src/adapters/git/remote-transport.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { ConfigurationError } from "../../src/domain/errors.ts";
import { PathOutsideFolderError } from "../../src/domain/path-inside-folder.ts";

// A repository named `..` put the setup cache in the data directory itself, and its eviction
// deleted everything there but the newest entries: other sessions' workspaces and the database.

const file = "/etc/threadwork/threadwork.config.json";

function problemsOf(source: Record<string, string>, contents?: unknown): string[] {
  try {
    loadConfig(
      source,
      [],
      contents === undefined ? {} : { file: { path: file, text: JSON.stringify(contents) } },
    );
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigurationError");
}

const pathNames = ["..", ".", ".cache", "-web"];
const repositoryExample = "e.g. THREADWORK_REPOS=web=https://github.com/acme/web.git,api=/srv/git/api";
const startRule = `must start with a letter or digit: a name becomes a directory, and ".", ".." or a hidden name would be a path`;

describe("a repository name that is a path", () => {
  it.each(pathNames)("%s is refused in THREADWORK_REPOS", (name) => {
    expect(problemsOf({ THREADWORK_REPOS: `${name}=/some/repo` })).toEqual([
      `THREADWORK_REPOS has an entry named "${name}": a name ${startRule}, ${repositoryExample}`,
    ]);
  });

  it.each(pathNames)("%s is refused in the configuration file", (name) => {
    expect(problemsOf({}, { repositories: { [name]: { url: "/some/repo" } } })).toEqual([
      `${file}: repositories has a bad name ${JSON.stringify(name)}: it ${startRule}, e.g. "web"`,
    ]);
  });

  it("still accepts names with dots, dashes and underscores inside", () => {
    const config = loadConfig({ THREADWORK_REPOS: "web.v2=/srv/web,api_1=/srv/api,a..b=/srv/ab" });
    expect(config.git.repositories.map((repository) => repository.name)).toEqual(["web.v2", "api_1", "a..b"]);
  });
});

describe("the setup cache and the mirrors stay in their folders", () => {
  let dataDir: string;
  let root: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "threadwork-dotdot-"));
    for (const directory of ["workspaces/ses_other/agent", "pgdata", "setup-cache/web/0123", "mirrors"]) {
      await mkdir(path.join(dataDir, directory), { recursive: true });
    }
    await writeFile(path.join(dataDir, "pgdata", "PG_VERSION"), "17\n");
    await writeFile(path.join(dataDir, "setup-cache", "web", "0123", "manifest.json"), "{}\n");
    root = path.join(dataDir, "workspaces", "ses_mine", "agent");
    await mkdir(path.join(root, "node_modules"), { recursive: true });
    await writeFile(path.join(root, "node_modules", "index.js"), "\n");
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each(["..", "."])(
    "storing a setup for a repository named %s deletes nothing outside the cache",
    async (name) => {
      const cache = new SetupCache({ directory: path.join(dataDir, "setup-cache"), keep: 1 });
      const stored = cache.store(name, "abcdef", root, {
        entries: ["node_modules"],
        command: "npm ci",
        durationMs: 1,
      });
      await expect(stored).rejects.toThrow(PathOutsideFolderError);
      expect((await readdir(dataDir)).sort()).toEqual(["mirrors", "pgdata", "setup-cache", "workspaces"]);
      expect(await readdir(path.join(dataDir, "workspaces"))).toContain("ses_other");
      expect(await readdir(path.join(dataDir, "pgdata"))).toEqual(["PG_VERSION"]);
      expect(await readdir(path.join(dataDir, "setup-cache"))).toEqual(["web"]);
      await expect(cache.lookup(name, "abcdef")).rejects.toThrow(PathOutsideFolderError);
    },
  );

  it("gives no mirror path outside the mirrors folder", () => {
    const mirrors = new MirrorStore({
      directory: path.join(dataDir, "mirrors"),
      repositories: [{ name: "web", url: "/srv/git/web" }],
      transport: createRemoteTransport({ token: undefined }),
      refreshIntervalMs: 30_000,
    });
    expect(mirrors.pathOf("web")).toBe(path.join(dataDir, "mirrors", "web.git"));
    expect(() => mirrors.pathOf("../../x")).toThrow(PathOutsideFolderError);
    expect(() => mirrors.pathOf("/tmp/x")).toThrow(PathOutsideFolderError);
  });
});
