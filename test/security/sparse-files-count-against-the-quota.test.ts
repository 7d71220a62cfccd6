import { execFileSync } from "node:child_process";
import { mkdir, open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspaceManager } from "../../src/adapters/git/workspace-manager.ts";
import { createWorkspaceTools } from "../../src/tools/workspace/create-workspace-tools.ts";
import { createSourceRepository, git, temporaryDirectory } from "../workspace/repository-fixtures.ts";
import { type ScriptedWorker, startScriptedWorker } from "./support/scripted-worker.ts";

// A command left sparse files behind (`truncate -s 1G f1 f2 …`): they take no disk blocks, so a
// block-counting quota let them through, and `commit` then had the service's own git read and
// compress every apparent byte, outside the sandbox and with no limit.
const quotaMb = 4;
const sparseBytes = 64 * 1024 * 1024;

async function leaveSparseFiles(root: string): Promise<void> {
  for (const name of ["s1", "s2", "s3"]) {
    const file = await open(join(root, name), "w");
    await file.truncate(sparseBytes);
    await file.close();
  }
}

/** A workspace manager (pushing, with the quota) over a one-file source repository in `path`. */
async function managerOverSource(path: string) {
  const source = join(path, "source");
  await createSourceRepository(source, { "a.txt": "a\n" });
  const manager = createWorkspaceManager({
    repositories: [{ name: "demo", url: source }],
    token: undefined,
    githubToken: undefined,
    dataDir: join(path, "data"),
    push: true,
    workspaceQuotaMb: quotaMb,
    logger: pino({ level: "silent" }),
  });
  const create = (slug: string) =>
    manager.createWorkspace({ sessionId: "s1", agentId: `id-${slug}`, agentSlug: slug, repoName: "demo" });
  return { manager, create };
}

describe("sparse files count against the workspace quota", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let root: string;
  let worker: ScriptedWorker;

  beforeAll(async () => {
    directory = await temporaryDirectory("sparse");
    root = join(directory.path, "work");
    await mkdir(root);
    execFileSync("git", ["init", "-q", "-b", "work", root]);
    await leaveSparseFiles(root);
    worker = await startScriptedWorker({
      root,
      branch: "work",
      workerTools: createWorkspaceTools({ allowCommands: [], sandbox: "off", workspaceQuotaMb: quotaMb }),
      title: "Committer",
      brief: "commit",
      play: (request) => {
        if (request.turnIndex === 0) return [{ name: "commit", input: { message: "add files" } }];
        if (request.turnIndex === 1) return [{ name: "git_diff", input: {} }];
        return [{ name: "finish", input: { summary: "done" } }];
      },
    });
  });
  afterAll(async () => {
    await worker?.close();
    await directory?.remove();
  });

  it("refuses to commit or diff a workspace whose files are over the quota by their size", async () => {
    await worker.run("commit it", 60_000);
    const { seen } = worker;
    const result = seen[0]?.[0];
    expect(result?.isError).toBe(true);
    expect(result?.content).toContain(`${quotaMb} MiB disk quota`);
    // git_diff stages everything into a scratch index first: refused the same way.
    const diff = seen[1]?.[0];
    expect(diff?.isError).toBe(true);
    expect(diff?.content).toContain(`${quotaMb} MiB disk quota`);
    // Nothing was staged or committed.
    expect(execFileSync("git", ["-C", root, "status", "--porcelain"]).toString()).toContain("?? s1");
  });
});

describe("a finishing agent's sparse files are not staged either", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;

  beforeAll(async () => {
    directory = await temporaryDirectory("sparse-finalize");
  });
  afterAll(() => directory.remove());

  it("refuses to commit and push leftovers over the quota, and finalizes a small change", async () => {
    const { manager, create } = await managerOverSource(directory.path);
    const sparse = await create("sparse");
    await leaveSparseFiles(sparse.root);
    await expect(manager.finalizeWorkspace(sparse, { message: "leftovers" })).rejects.toThrow(
      /over its 4 MiB disk quota; nothing was committed or pushed/,
    );
    expect((await git(sparse.root, "log", "-1", "--format=%s")).trim()).not.toBe("leftovers");

    const small = await create("small");
    await git(small.root, "rm", "-q", "a.txt");
    const result = await manager.finalizeWorkspace(small, { message: "Remove a" });
    expect(result).toMatchObject({ branch: small.branch, diffStats: { files: 1, deletions: 1 } });
  });
});

describe("empty files count against the quota too", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;

  beforeAll(async () => {
    directory = await temporaryDirectory("empty-files");
  });
  afterAll(() => directory.remove());

  // A command can create millions of empty files: no blocks, but an inode each, and the
  // volume's inodes are shared with every other workspace (and maybe the database).
  it("refuses to finalize a working copy holding thousands of empty files, and finalizes a few", async () => {
    const { manager, create } = await managerOverSource(directory.path);
    const many = await create("many");
    await mkdir(join(many.root, "empty"));
    for (let index = 0; index < 2_000; index += 1) await writeFile(join(many.root, "empty", `f${index}`), "");
    await expect(manager.finalizeWorkspace(many, { message: "empties" })).rejects.toThrow(
      /over its 4 MiB disk quota/,
    );
    const few = await create("few");
    await mkdir(join(few.root, "empty"));
    for (let index = 0; index < 20; index += 1) await writeFile(join(few.root, "empty", `f${index}`), "");
    const result = await manager.finalizeWorkspace(few, { message: "A few" });
    expect(result).toMatchObject({ branch: few.branch, diffStats: { files: 20 } });
  });
});
