import { execFile } from "node:child_process";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspaceManager } from "../../src/adapters/git/workspace-manager.ts";
import { branchCommands } from "../../src/domain/open-locally.ts";
import { createWorkspaceTools } from "../../src/tools/workspace/create-workspace-tools.ts";
import { type FakeGitRemote, startFakeGitRemote } from "../fakes/fake-git-remote.ts";
import {
  callTool,
  createSourceRepository,
  git,
  temporaryDirectory,
  toolContext,
} from "./repository-fixtures.ts";

const token = "git-token-secret-5f2c";
const githubToken = "ghp_fakeGithubTokenSecret123";

async function filesContaining(directory: string, needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(directory, { recursive: true })) {
    const path = join(directory, entry);
    const info = await stat(path);
    if (info.isFile() && (await readFile(path)).includes(needle)) found.push(entry);
  }
  return found;
}

describe("a workspace on an https remote", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let remote: FakeGitRemote;
  let bare: string;

  beforeAll(async () => {
    directory = await temporaryDirectory("remote");
    const source = join(directory.path, "source");
    await createSourceRepository(source, {
      "src/app.ts": "export const version = 1;\n",
      "README.md": "# Widgets\n",
    });
    bare = join(directory.path, "remote", "acme", "widgets.git");
    await git(directory.path, "clone", "-q", "--bare", source, bare);
    remote = await startFakeGitRemote({ projectRoot: join(directory.path, "remote"), token });
  });
  afterAll(async () => {
    await remote.close();
    await directory.remove();
  });

  const manager = (dataDir: string, overrides: { token?: string } = {}) =>
    createWorkspaceManager({
      repositories: [{ name: "widgets", url: remote.url("acme/widgets.git") }],
      token: overrides.token ?? token,
      githubToken,
      dataDir,
      push: true,
      logger: pino({ level: "silent" }),
      github: { apiUrl: remote.apiUrl, hosts: [remote.host] },
    });

  it("clones, branches, edits through the tools, commits, pushes and opens a draft pull request", async () => {
    const dataDir = join(directory.path, "data");
    const workspaces = manager(dataDir);
    const workspace = await workspaces.createWorkspace({
      sessionId: "s1",
      agentId: "agent-1",
      agentSlug: "Bump Version",
      repoName: "widgets",
    });
    expect(workspace.branch).toBe("threadwork/s1/bump-version");
    expect(workspace.root).toBe(join(dataDir, "workspaces", "s1", "bump-version"));
    expect(workspace.baseCommit).toBe((await git(bare, "rev-parse", "main")).trim());

    const tools = createWorkspaceTools({ allowCommands: [], sandbox: "off" });
    const context = toolContext(workspace);
    await callTool(
      tools,
      "edit_file",
      { path: "src/app.ts", old: "version = 1", new: "version = 2" },
      context,
    );
    await callTool(tools, "write_file", { path: "CHANGELOG.md", content: "## 2\n- Bumped.\n" }, context);

    const result = await workspaces.finalizeWorkspace(workspace, { message: "Bump the version to 2" });
    expect(result).toMatchObject({
      branch: "threadwork/s1/bump-version",
      pushed: true,
      diffStats: { files: 2, insertions: 3, deletions: 1 },
      pullRequestUrl: `http://${remote.host}/acme/widgets/pull/1`,
    });
    expect(result.error).toBeUndefined();
    expect((await git(bare, "rev-parse", "threadwork/s1/bump-version")).trim()).toBe(result.commit);
    expect(await git(bare, "show", `${result.commit}:src/app.ts`)).toBe("export const version = 2;\n");
    expect(remote.pullRequests[0]).toMatchObject({
      owner: "acme",
      repo: "widgets",
      authorization: `Bearer ${githubToken}`,
      body: { head: "threadwork/s1/bump-version", base: "main", draft: true, title: "Bump the version to 2" },
    });

    // Finishing again (a retried step) pushes nothing new and finds the same pull request.
    const again = await workspaces.finalizeWorkspace(workspace, { message: "Bump the version to 2" });
    expect(again).toMatchObject({
      commit: result.commit,
      pushed: true,
      pullRequestUrl: result.pullRequestUrl,
    });
    expect(remote.pullRequests).toHaveLength(1);

    // The token never lands on disk: not in the mirror's config, not in the working copy.
    expect(await filesContaining(dataDir, token)).toEqual([]);

    // "Open locally": the result names the remote, and the command fetches the pushed commit into a
    // person's clone with that person's own credentials (here an extra header); it carries none.
    expect(result.fetchFrom).toBe(remote.url("acme/widgets.git"));
    const [fetch] = branchCommands({ branch: result.branch, fetchFrom: result.fetchFrom });
    expect(fetch).not.toContain(token);
    const clone = join(directory.path, "person-clone");
    await git(directory.path, "clone", "-q", bare, clone);
    await promisify(execFile)("sh", ["-c", fetch ?? "false"], {
      cwd: clone,
      env: {
        ...process.env,
        GIT_CONFIG_COUNT: "1",
        GIT_CONFIG_KEY_0: "http.extraHeader",
        GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`person:${token}`).toString("base64")}`,
      },
    });
    expect((await git(clone, "rev-parse", "--abbrev-ref", "HEAD")).trim()).toBe(result.branch);
    expect((await git(clone, "rev-parse", "HEAD")).trim()).toBe(result.commit);
  });

  it("refreshes the mirror when used, so a new workspace starts from the remote's latest commit", async () => {
    const dataDir = join(directory.path, "data-refresh");
    const workspaces = createWorkspaceManager({
      repositories: [{ name: "widgets", url: remote.url("acme/widgets.git") }],
      token,
      githubToken: undefined,
      dataDir,
      push: false,
      logger: pino({ level: "silent" }),
      mirrorRefreshIntervalMs: 0,
    });
    const first = await workspaces.createWorkspace({
      sessionId: "s2",
      agentId: "a",
      agentSlug: "a",
      repoName: "widgets",
    });
    const upstream = join(directory.path, "upstream");
    await git(directory.path, "clone", "-q", bare, upstream);
    await git(upstream, "commit", "-q", "--allow-empty", "-m", "Upstream moves on");
    await git(upstream, "push", "-q", "origin", "main");
    const second = await workspaces.createWorkspace({
      sessionId: "s2",
      agentId: "b",
      agentSlug: "b",
      repoName: "widgets",
    });
    expect(second.baseCommit).not.toBe(first.baseCommit);
    expect(second.baseCommit).toBe((await git(bare, "rev-parse", "main")).trim());
    const finished = await workspaces.finalizeWorkspace(second, { message: "nothing" });
    expect(finished).toMatchObject({ pushed: false, diffStats: { files: 0, insertions: 0, deletions: 0 } });
  });

  it("fails clearly with a wrong token, but keeps using an existing mirror when a refresh fails", async () => {
    const workspaces = manager(join(directory.path, "data-wrong"), { token: "wrong" });
    await expect(
      workspaces.createWorkspace({ sessionId: "s3", agentId: "a", agentSlug: "a", repoName: "widgets" }),
    ).rejects.toThrow(
      /fetch from http:\/\/127\.0\.0\.1:\d+\/acme\/widgets\.git failed: authentication failed \(check GIT_TOKEN\)/,
    );
    const stale = manager(join(directory.path, "data"), { token: "wrong" });
    const workspace = await stale.createWorkspace({
      sessionId: "s4",
      agentId: "a",
      agentSlug: "a",
      repoName: "widgets",
    });
    expect(workspace.branch).toBe("threadwork/s4/a");
  });
});
