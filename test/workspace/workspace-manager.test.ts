import { mkdir, readFile, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspaceManager, type WorkspaceManager } from "../../src/adapters/git/workspace-manager.ts";
import { createSourceRepository, git, temporaryDirectory } from "./repository-fixtures.ts";

describe("workspace manager on a local repository", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let source: string;
  let dataDir: string;
  let manager: WorkspaceManager;

  beforeAll(async () => {
    directory = await temporaryDirectory("manager");
    source = join(directory.path, "source");
    await createSourceRepository(source, {
      "shared.txt": "one\ntwo\nthree\nfour\nfive\n",
      "a.txt": "a\n",
      "b.txt": "b\n",
    });
    dataDir = join(directory.path, "data");
    manager = createWorkspaceManager({
      repositories: [{ name: "demo", url: source }],
      token: undefined,
      githubToken: undefined,
      dataDir,
      push: true,
      logger: pino({ level: "silent" }),
    });
  });
  afterAll(() => directory.remove());

  const create = (sessionId: string, slug: string) =>
    manager.createWorkspace({ sessionId, agentId: `id-${slug}`, agentSlug: slug, repoName: "demo" });

  it("creates a workspace once: a second call returns the same one, even concurrently", async () => {
    const [first, concurrent] = await Promise.all([create("s1", "writer"), create("s1", "writer")]);
    expect(concurrent).toEqual(first);
    await writeFile(join(first.root, "draft.txt"), "work in progress\n");
    const again = await create("s1", "writer");
    expect(again).toEqual(first);
    expect(await readFile(join(again.root, "draft.txt"), "utf8")).toBe("work in progress\n");
    expect((await git(first.root, "branch", "--show-current")).trim()).toBe("threadwork/s1/writer");
    await expect(
      manager.createWorkspace({
        sessionId: "s1",
        agentId: "someone-else",
        agentSlug: "writer",
        repoName: "demo",
      }),
    ).rejects.toThrow(/already belongs to agent id-writer/);
    await expect(create("../escape", "x")).rejects.toThrow(/Unusable session id/);
    await expect(
      manager.createWorkspace({ sessionId: "s1", agentId: "x", agentSlug: "x", repoName: "nope" }),
    ).rejects.toThrow(/Unknown repository "nope" \(known: demo\)/);
  });

  it("refuses credentials in a repository URL and unsupported schemes", () => {
    const withUrl = (url: string) => () =>
      createWorkspaceManager({
        repositories: [{ name: "x", url }],
        token: undefined,
        githubToken: undefined,
        dataDir,
        push: false,
        logger: pino({ level: "silent" }),
      });
    expect(withUrl("https://user:secret@example.com/x.git")).toThrow(/put credentials in GIT_TOKEN/);
    expect(withUrl("ssh://git@example.com/x.git")).toThrow(/only https URLs and local paths/);
    expect(withUrl("https://example.com/x.git")).not.toThrow();
  });

  it("finalizes a local repository without pushing", async () => {
    const workspace = await create("s1", "writer");
    const result = await manager.finalizeWorkspace(workspace, { message: "Draft" });
    expect(result).toMatchObject({
      branch: workspace.branch,
      pushed: false,
      diffStats: { files: 1, insertions: 1 },
    });
    expect((await git(workspace.root, "status", "--porcelain")).trim()).toBe("");
    expect((await git(workspace.root, "log", "-1", "--format=%s")).trim()).toBe("Draft");
  });

  it("commits and pushes only on the agent's own branch", async () => {
    const workspace = await create("s1", "switcher");
    await git(workspace.root, "checkout", "-q", "-b", "main");
    await writeFile(join(workspace.root, "a.txt"), "on main\n");
    await expect(manager.finalizeWorkspace(workspace, { message: "sneaky" })).rejects.toThrow(
      /on main, not the agent's branch threadwork\/s1\/switcher; nothing was committed or pushed/,
    );
    expect((await git(workspace.root, "log", "-1", "--format=%s")).trim()).toBe("Initial commit");
  });

  it("merges branches without conflicts into the integration branch", async () => {
    const first = await create("s2", "first");
    const second = await create("s2", "second");
    await writeFile(join(first.root, "a.txt"), "a changed\n");
    await writeFile(join(second.root, "b.txt"), "b changed\n");
    await manager.finalizeWorkspace(first, { message: "Change a" });
    await manager.finalizeWorkspace(second, { message: "Change b" });
    // Two merges at once into the same branch run one after the other; the second finds nothing new.
    const [result, repeated] = await Promise.all([
      manager.mergeBranches({ sessionId: "s2", workspaces: [first, second] }),
      manager.mergeBranches({ sessionId: "s2", workspaces: [first, second] }),
    ]);
    expect(repeated.commit).toBe(result.commit);
    expect(result).toMatchObject({
      branch: "threadwork/s2/integration",
      merged: ["threadwork/s2/first", "threadwork/s2/second"],
      conflicts: [],
      pushed: false,
    });
    expect(await git(result.workspace.root, "show", `${result.commit}:a.txt`)).toBe("a changed\n");
    expect(await git(result.workspace.root, "show", `${result.commit}:b.txt`)).toBe("b changed\n");
    expect((await git(result.workspace.root, "branch", "--show-current")).trim()).toBe(
      "threadwork/s2/integration",
    );
  });

  it("reports conflicting files and hunks, aborts that merge and keeps the clean ones", async () => {
    const left = await create("s3", "left");
    const right = await create("s3", "right");
    const clean = await create("s3", "clean");
    await writeFile(join(left.root, "shared.txt"), "one\nTWO from left\nthree\nfour\nfive\n");
    await writeFile(join(right.root, "shared.txt"), "one\nTWO from right\nthree\nfour\nfive\n");
    await writeFile(join(clean.root, "new.txt"), "new\n");
    for (const workspace of [left, right, clean])
      await manager.finalizeWorkspace(workspace, { message: "edit" });
    const result = await manager.mergeBranches({
      sessionId: "s3",
      workspaces: [left, right, clean],
      into: "feature/combined",
    });
    expect(result.branch).toBe("feature/combined");
    expect(result.merged).toEqual(["threadwork/s3/left", "threadwork/s3/clean"]);
    expect(result.conflicts).toEqual([
      {
        branch: "threadwork/s3/right",
        files: [
          {
            path: "shared.txt",
            hunks: [
              "<<<<<<< HEAD\nTWO from left\n=======\nTWO from right\n>>>>>>> refs/threadwork/incoming/threadwork/s3/right",
            ],
          },
        ],
      },
    ]);
    const root = result.workspace.root;
    expect((await git(root, "status", "--porcelain")).trim()).toBe("");
    expect(await readFile(join(root, "shared.txt"), "utf8")).toContain("TWO from left");
    expect(await readFile(join(root, "new.txt"), "utf8")).toBe("new\n");
  });

  it("cleans up finished sessions after the TTL and reports bytes", async () => {
    const before = await manager.diskUsage();
    expect(Object.keys(before.sessions).sort()).toEqual(["s1", "s2", "s3"]);
    expect(before.mirrorsBytes).toBeGreaterThan(0);
    expect(before.totalBytes).toBe(before.mirrorsBytes + before.workspacesBytes);
    const old = new Date(Date.now() - 3 * 86400_000);
    const s2 = join(dataDir, "workspaces", "s2");
    const { readdir } = await import("node:fs/promises");
    for (const entry of await readdir(s2)) {
      await utimes(join(s2, entry), old, old);
      await utimes(join(s2, entry, ".git", "index"), old, old).catch(() => undefined);
    }
    await utimes(s2, old, old);
    await mkdir(join(dataDir, "workspaces", "s1", "stale.tmp-123"));
    await utimes(join(dataDir, "workspaces", "s1", "stale.tmp-123"), old, old);

    const result = await manager.cleanup({
      isFinished: (sessionId) => sessionId !== "s3",
      ttlSeconds: 86400,
    });
    // s1 is finished but recently used; s3 is old enough but still running.
    expect(result.removed).toEqual(["s2"]);
    expect(result.bytesFreed).toBeGreaterThan(0);
    expect(result.bytesInUse).toBeLessThan(before.totalBytes);
    const after = await manager.diskUsage();
    expect(Object.keys(after.sessions).sort()).toEqual(["s1", "s3"]);
    expect(await readdir(join(dataDir, "workspaces", "s1"))).not.toContain("stale.tmp-123");
  });
});
