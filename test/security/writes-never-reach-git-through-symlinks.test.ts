import { execFileSync } from "node:child_process";
import { mkdir, stat, symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspaceTools } from "../../src/tools/workspace/create-workspace-tools.ts";
import { temporaryDirectory } from "../workspace/repository-fixtures.ts";
import { type ScriptedWorker, startScriptedWorker } from "./support/scripted-worker.ts";

// A command (sandboxed: .git is read-only there, the workspace is not) leaves a symlink
// `meta -> .git` behind. write_file runs in the service, outside the sandbox: through the
// symlink it would create new files inside .git (alternates, attributes, refs, hooks).
const attacks = [
  "meta/objects/info/alternates",
  "meta/info/attributes",
  "meta/refs/heads/planted",
  "deep/x/y",
];

describe("writes never reach .git through a symlinked directory", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let root: string;
  let worker: ScriptedWorker;

  beforeAll(async () => {
    directory = await temporaryDirectory("git-symlink");
    root = join(directory.path, "work");
    await mkdir(root);
    execFileSync("git", ["init", "-q", root]);
    await symlink(".git", join(root, "meta"));
    await mkdir(join(root, "deep"));
    await symlink("../.git/hooks", join(root, "deep", "x"));
    worker = await startScriptedWorker({
      root,
      branch: "threadwork/s/a",
      workerTools: createWorkspaceTools({ allowCommands: [], sandbox: "off" }),
      title: "Planter",
      brief: "plant",
      play: (request) => {
        if (request.turnIndex === 0) {
          return [
            ...attacks.map((path) => ({
              name: "write_file",
              input: { path, content: "/elsewhere/objects\n" },
            })),
            { name: "write_file", input: { path: "docs/notes.md", content: "# Notes\n" } },
          ];
        }
        return [{ name: "finish", input: { summary: "done" } }];
      },
    });
  });
  afterAll(async () => {
    await worker?.close();
    await directory?.remove();
  });

  it("refuses every write whose real location is inside .git, and writes the ordinary file", async () => {
    await worker.run("plant things", 30_000);

    const results = worker.seen[0] ?? [];
    expect(results).toHaveLength(attacks.length + 1);
    for (const result of results.slice(0, attacks.length)) {
      expect(result.isError).toBe(true);
      expect(result.content).toContain("inside .git is not allowed");
    }
    for (const planted of ["objects/info/alternates", "info/attributes", "refs/heads/planted", "hooks/y"]) {
      await expect(stat(join(root, ".git", planted))).rejects.toThrow();
    }
    expect(results.at(-1)?.isError).toBe(false);
    expect((await stat(join(root, "docs", "notes.md"))).isFile()).toBe(true);
  });
});
