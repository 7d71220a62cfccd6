import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspaceManager, type WorkspaceManager } from "../../src/adapters/git/workspace-manager.ts";
import type { CheckOutcome } from "../../src/domain/environment.ts";
import { type FakeGitRemote, startFakeGitRemote } from "../fakes/fake-git-remote.ts";
import { createSourceRepository, git, temporaryDirectory } from "./repository-fixtures.ts";

const token = "git-token-pull-request-4b1f";

/** A finished branch's draft pull request says how its check went, with the output when it failed. */
describe("the pull request body shows the check", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let remote: FakeGitRemote;
  let manager: WorkspaceManager;

  beforeAll(async () => {
    directory = await temporaryDirectory("pull-request-check");
    await createSourceRepository(join(directory.path, "source"), { "src/app.js": "exports.version = 1;\n" });
    await git(
      directory.path,
      "clone",
      "-q",
      "--bare",
      join(directory.path, "source"),
      join(directory.path, "remote", "acme", "app.git"),
    );
    remote = await startFakeGitRemote({ projectRoot: join(directory.path, "remote"), token });
    manager = createWorkspaceManager({
      repositories: [{ name: "app", url: remote.url("acme/app.git"), check: { command: "npm test" } }],
      token,
      githubToken: "ghp_pullRequestCheckToken00",
      dataDir: join(directory.path, "data"),
      push: true,
      logger: pino({ level: "silent" }),
      github: { apiUrl: remote.apiUrl, hosts: [remote.host] },
    });
  });
  afterAll(async () => {
    await remote?.close();
    await directory?.remove();
  });

  /** Commits, checks that commit (as `finish` does), then finalizes; `after` changes the copy in between. */
  async function finishWith(slug: string, check: Omit<CheckOutcome, "commit">, after?: string) {
    const workspace = await manager.createWorkspace({
      sessionId: "ses_pr",
      agentId: `agt_${slug}`,
      agentSlug: slug,
      repoName: "app",
    });
    await writeFile(join(workspace.root, "src", "app.js"), `exports.version = "${slug}";\n`);
    const { commit } = await manager.commitWorkspace(workspace, { message: `Change ${slug}` });
    if (after) await writeFile(join(workspace.root, "src", "app.js"), after);
    await manager.finalizeWorkspace(workspace, { message: `Change ${slug}`, check: { ...check, commit } });
    return remote.pullRequests.find((pull) => pull.body.head === workspace.branch)?.body.body ?? "";
  }

  it("says the check passed", async () => {
    const body = await finishWith("passing", {
      status: "passed",
      command: "npm test",
      exitCode: 0,
      durationMs: 3200,
      summary: "# pass 1",
    });
    expect(body).toContain("Check `npm test`: passed (3.2 s).");
    expect(body).not.toContain("# pass 1");
  });

  it("shows a failed check's output in a fence it cannot close, mentioning nobody", async () => {
    const body = await finishWith("failing", {
      status: "failed",
      command: "npm test",
      exitCode: 1,
      durationMs: 4000,
      summary: "not ok 1\n```\n@acme/owners look here\n",
    });
    expect(body).toContain(
      "Check `npm test`: failed (exit code 1, 4.0 s).\n\n````\nnot ok 1\n```\n@\u200bacme/owners look here\n\n````",
    );
  });

  it("does not show a pass for a commit the check did not run on", async () => {
    const body = await finishWith(
      "moved",
      { status: "passed", command: "npm test", exitCode: 0, durationMs: 3200, summary: "# pass 1" },
      "exports.version = 'changed after the check';\n",
    );
    expect(body).toMatch(/Check `npm test`: not run: it passed on [0-9a-f]{12}, not on [0-9a-f]{12}/);
    expect(body).not.toContain("passed (3.2 s)");
  });
});
