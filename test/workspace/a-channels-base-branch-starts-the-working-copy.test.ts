import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspaceManager, type WorkspaceManager } from "../../src/adapters/git/workspace-manager.ts";
import { createSourceRepository, git, temporaryDirectory } from "./repository-fixtures.ts";

describe("a channel's base branch", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let manager: WorkspaceManager;
  let releaseCommit: string;

  beforeAll(async () => {
    directory = await temporaryDirectory("base-branch");
    const source = join(directory.path, "source");
    await createSourceRepository(source, { "version.txt": "main\n" });
    await git(source, "checkout", "-q", "-b", "release");
    await git(source, "commit", "-q", "--allow-empty", "-m", "Release");
    releaseCommit = (await git(source, "rev-parse", "HEAD")).trim();
    await git(source, "checkout", "-q", "main");
    manager = createWorkspaceManager({
      repositories: [{ name: "demo", url: source }],
      token: undefined,
      githubToken: undefined,
      dataDir: join(directory.path, "data"),
      push: false,
      logger: pino({ level: "silent" }),
    });
  });
  afterAll(() => directory.remove());

  it("starts the working copy from that branch and records it as the base", async () => {
    const workspace = await manager.createWorkspace({
      sessionId: "s1",
      agentId: "a1",
      agentSlug: "worker",
      repoName: "demo",
      baseBranch: "release",
    });
    expect(workspace.baseCommit).toBe(releaseCommit);
    const metadata = JSON.parse(await readFile(`${workspace.root}.json`, "utf8")) as { baseBranch: string };
    expect(metadata.baseBranch).toBe("release");
    const plain = await manager.createWorkspace({
      sessionId: "s1",
      agentId: "a2",
      agentSlug: "other",
      repoName: "demo",
    });
    expect(plain.baseCommit).not.toBe(releaseCommit);
  });

  it("refuses a branch the repository does not have, or a name git would misread", async () => {
    const create = (baseBranch: string, slug: string) =>
      manager.createWorkspace({
        sessionId: "s2",
        agentId: slug,
        agentSlug: slug,
        repoName: "demo",
        baseBranch,
      });
    await expect(create("missing", "x1")).rejects.toThrow(/has no branch missing/);
    await expect(create("--upload-pack=evil", "x2")).rejects.toThrow(/Unusable branch name/);
  });
});
