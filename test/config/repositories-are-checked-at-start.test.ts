import { spawn } from "node:child_process";
import { mkdir, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkRepositories } from "../../src/application/check-repositories.ts";
import { type FakeGitRemote, startFakeGitRemote } from "../fakes/fake-git-remote.ts";
import { type FakeLlmServer, startFakeLlmServer } from "../fakes/fake-llm-server.ts";
import { createSourceRepository, git, temporaryDirectory } from "../workspace/repository-fixtures.ts";

const token = "git-token-secret-7d1e";
const root = join(import.meta.dirname, "../..");

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe("repositories checked at start", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let remote: FakeGitRemote;
  let silent: { server: Server; url: string };
  let website: { server: Server; url: string };
  let closedPort: string;
  const paths: Record<string, string> = {};

  beforeAll(async () => {
    directory = await temporaryDirectory("repository-check");
    paths.clone = join(directory.path, "clone");
    await createSourceRepository(paths.clone, { "README.md": "# Web\n" });
    paths.bare = join(directory.path, "remote", "acme", "web.git");
    await git(directory.path, "clone", "-q", "--bare", paths.clone, paths.bare);
    paths.empty = join(directory.path, "empty");
    await mkdir(paths.empty);
    await git(paths.empty, "init", "-q");
    paths.plain = join(directory.path, "plain");
    await mkdir(paths.plain);
    paths.file = join(directory.path, "notes.txt");
    await writeFile(paths.file, "not a repository\n");
    paths.inside = join(paths.clone, "src");
    await mkdir(paths.inside);
    remote = await startFakeGitRemote({ projectRoot: join(directory.path, "remote"), token });
    // Accepts the connection and never answers.
    silent = await listen(() => undefined);
    website = await listen((_request, response) => {
      response.writeHead(200, { "content-type": "text/html" }).end("<html>a website</html>");
    });
    const unused = await listen(() => undefined);
    closedPort = unused.url;
    await close(unused.server);
  });
  afterAll(async () => {
    await remote?.close();
    if (silent) await close(silent.server);
    if (website) await close(website.server);
    await directory?.remove();
  });

  it("accepts a clone, a bare repository and a remote that takes GIT_TOKEN, and finds each problem", async () => {
    const repositories = [
      { name: "clone", url: paths.clone ?? "" },
      { name: "bare", url: paths.bare ?? "" },
      { name: "remote", url: remote.url("acme/web.git") },
      { name: "gone", url: join(directory.path, "gone") },
      { name: "file", url: paths.file ?? "" },
      { name: "plain", url: paths.plain ?? "" },
      { name: "inside", url: paths.inside ?? "" },
      { name: "empty", url: paths.empty ?? "" },
      { name: "missing", url: remote.url("acme/missing.git") },
      { name: "website", url: `${website.url}/acme/web.git` },
    ];
    const report = await checkRepositories({
      repositories,
      token,
      repositorySettings: { clone: 'THREADWORK_REPOS entry "clone"', gone: 'THREADWORK_REPOS entry "gone"' },
    });
    expect(report.warnings).toEqual([]);
    expect(report.problems).toEqual([
      `THREADWORK_REPOS entry "gone" is ${directory.path}/gone, which does not exist: point it at a git clone or an https git URL`,
      `Repository "file" is ${paths.file}, which is a file, not a git repository`,
      `Repository "plain" is ${paths.plain}, which is not a git repository: point it at the top of a clone (or a bare repository)`,
      `Repository "inside" is ${paths.inside}, which is not a git repository: point it at the top of a clone (or a bare repository)`,
      `Repository "empty" is ${paths.empty}, a git repository with no commits yet: workspaces start from a commit`,
      `Repository "missing" is ${remote.url("acme/missing.git")}, which the server does not have (HTTP 404): check the URL`,
      `Repository "website" is ${website.url}/acme/web.git, which is not a git repository URL: it does not answer as a git server`,
    ]);
  });

  it("says whether a private remote needs GIT_TOKEN or refused the one it got", async () => {
    const repositories = [{ name: "web", url: remote.url("acme/web.git") }];
    expect((await checkRepositories({ repositories, token: undefined })).problems).toEqual([
      `Repository "web" is ${remote.url("acme/web.git")}, which asks for credentials: set GIT_TOKEN to a token that can read it`,
    ]);
    expect((await checkRepositories({ repositories, token: "wrong-token" })).problems).toEqual([
      `Repository "web" is ${remote.url("acme/web.git")}, which refused GIT_TOKEN: give the token read access to the repository`,
    ]);
  });

  it("only warns about remotes that do not answer, checking them all at once within the timeout", async () => {
    const started = Date.now();
    const report = await checkRepositories(
      {
        repositories: [
          { name: "slow-a", url: `${silent.url}/a.git` },
          { name: "slow-b", url: `${silent.url}/b.git` },
          { name: "slow-c", url: `${silent.url}/c.git` },
          { name: "down", url: `${closedPort}/d.git` },
        ],
        token,
      },
      { timeoutMs: 600 },
    );
    const elapsed = Date.now() - started;
    expect(report.problems).toEqual([]);
    expect(report.warnings.slice(0, 3)).toEqual(
      ["a", "b", "c"].map(
        (name) =>
          `Repository "slow-${name}" is ${silent.url}/${name}.git, which could not be reached (no answer in 0.6 s); start-up goes on, and agents cannot clone it until it answers`,
      ),
    );
    expect(report.warnings[3]).toMatch(
      new RegExp(
        `^Repository "down" is ${closedPort}/d\\.git, which could not be reached \\(.*ECONNREFUSED.*\\); start-up goes on`,
      ),
    );
    // In parallel: three timeouts cost one.
    expect(elapsed).toBeLessThan(1_500);
  });

  describe("npm start", () => {
    let llm: FakeLlmServer;
    beforeAll(async () => {
      llm = await startFakeLlmServer();
    });
    afterAll(async () => {
      await llm?.close();
    });

    it("stops before opening the database, naming the setting and every bad repository", async () => {
      const dataDir = join(directory.path, "data");
      const child = spawn(join(root, "node_modules/.bin/node"), ["src/main.ts"], {
        cwd: root,
        env: {
          ANTHROPIC_API_KEY: "sk-ant-test",
          ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
          SLACK_BOT_TOKEN: "xoxb-test",
          SLACK_SIGNING_SECRET: "secret",
          THREADWORK_DATA_DIR: dataDir,
          THREADWORK_REPOS: `web=${paths.clone},docs=${join(directory.path, "docs")},site=${paths.plain}`,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect(code).toBe(1);
      expect(stderr).toContain("Threadwork could not start: Invalid configuration:\n");
      expect(stderr).toContain(
        `  - THREADWORK_REPOS entry "docs" is ${directory.path}/docs, which does not exist: point it at a git clone or an https git URL\n`,
      );
      expect(stderr).toContain(
        `  - THREADWORK_REPOS entry "site" is ${paths.plain}, which is not a git repository`,
      );
      expect(stderr).not.toContain('"web"');
      await expect(stat(join(dataDir, "pgdata"))).rejects.toThrow();
    });
  });
});
