import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runGit } from "../../src/adapters/git/git-command.ts";
import { mergeWorkspaceBranches } from "../../src/adapters/git/merge-branches.ts";

/**
 * A fixer agent's sandboxed command can write a nested repository's `.git/config` in the
 * integration working copy. When a merged branch moves that submodule, `git fetch` would
 * by default fetch inside it too ("on-demand"), and that config's `remote.origin.uploadpack`
 * is a program git runs: outside the sandbox, with the service's view of the machine.
 */
describe("merging a branch never fetches inside a submodule a command planted", () => {
  let base: string;
  const marker = () => join(base, "ran-outside.txt");

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), "threadwork-merge-submodule-"));
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it("the merge lands, and the planted uploadpack never runs", async () => {
    const library = join(base, "library");
    await runGit(["init", "-q", "-b", "main", library], { cwd: base });
    await runGit(["commit", "-q", "--allow-empty", "-m", "one"], { cwd: library });
    const first = (await runGit(["rev-parse", "HEAD"], { cwd: library })).stdout.trim();
    await runGit(["commit", "-q", "--allow-empty", "-m", "two"], { cwd: library });
    const second = (await runGit(["rev-parse", "HEAD"], { cwd: library })).stdout.trim();

    // The integration copy: a submodule P at the first commit, declared in .gitmodules.
    const integration = join(base, "integration");
    await runGit(["init", "-q", "-b", "threadwork/s/integration", integration], { cwd: base });
    await writeFile(join(integration, ".gitmodules"), `[submodule "P"]\n\tpath = P\n\turl = ${library}\n`);
    await runGit(["add", ".gitmodules"], { cwd: integration });
    await runGit(["update-index", "--add", "--cacheinfo", `160000,${first},P`], { cwd: integration });
    await runGit(["commit", "-q", "-m", "base"], { cwd: integration });

    // The agent's branch moves P to the second commit.
    const agent = join(base, "agent");
    await runGit(["clone", "-q", "-b", "threadwork/s/integration", integration, agent], { cwd: base });
    await runGit(["checkout", "-q", "-b", "threadwork/s/agent"], { cwd: agent });
    await runGit(["update-index", "--cacheinfo", `160000,${second},P`], { cwd: agent });
    // (The service's own git ignores submodules: this setup commit asks for them.)
    await runGit(["-c", "diff.ignoreSubmodules=none", "commit", "-q", "-m", "bump P"], { cwd: agent });

    // What a sandboxed command in the integration copy can write: P's own repository.
    const planted = join(integration, "P");
    await mkdir(planted, { recursive: true });
    await runGit(["init", "-q"], { cwd: planted });
    await runGit(["config", "remote.origin.url", library], { cwd: planted });
    await runGit(["config", "remote.origin.uploadpack", `sh -c "echo RAN-OUTSIDE >> ${marker()}; exit 1"`], {
      cwd: planted,
    });

    const result = await mergeWorkspaceBranches(integration, [
      { repoName: "app", root: agent, branch: "threadwork/s/agent", baseCommit: first },
    ]);
    expect(result).toEqual({ merged: ["threadwork/s/agent"], conflicts: [] });
    const tree = (await runGit(["ls-tree", "HEAD", "P"], { cwd: integration })).stdout;
    expect(tree).toContain(second);
    expect(await readFile(marker(), "utf8").catch(() => "")).not.toContain("RAN-OUTSIDE");
  });
});
