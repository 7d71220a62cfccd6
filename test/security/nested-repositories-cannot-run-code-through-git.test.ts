import { execFileSync } from "node:child_process";
import { mkdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspaceTools } from "../../src/tools/workspace/create-workspace-tools.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { createGate } from "../helpers/runtime-gate.ts";
import { waitUntil } from "../helpers/runtime-processes.ts";
import { temporaryDirectory } from "../workspace/repository-fixtures.ts";
import { type ScriptedWorker, startScriptedWorker } from "./support/scripted-worker.ts";

// The sandbox keeps the workspace's own .git read-only, but a command may still create a
// nested repository (`git init sub`, a clean filter in sub/.git/config, a file using it).
// The service's own git, outside the sandbox, recursed into it when it checked status during
// a commit, and ran the filter: with the service's uid, its /proc and its network.
const gitAs = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=a", "-c", "user.email=b", ...args], { cwd });

describe("a nested repository cannot run code through the service's git", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let root: string;
  let marker: string;
  let worker: ScriptedWorker;
  const cleaned = createGate();

  beforeAll(async () => {
    directory = await temporaryDirectory("nested-repo");
    root = join(directory.path, "work");
    marker = join(directory.path, "FILTER-RAN");
    await mkdir(root);
    gitAs(directory.path, "init", "-q", "-b", "work", root);
    gitAs(root, "commit", "-q", "--allow-empty", "-m", "start");
    // What a sandboxed command can leave behind.
    const sub = join(root, "vendor", "sub");
    await mkdir(sub, { recursive: true });
    gitAs(sub, "init", "-q");
    await writeFile(join(sub, ".gitattributes"), "a filter=x\n");
    await writeFile(join(sub, "a"), "hi\n");
    gitAs(sub, "add", "-A");
    gitAs(sub, "commit", "-q", "-m", "s");
    gitAs(sub, "config", "filter.x.clean", `sh -c 'echo ran >> ${marker}; cat'`);
    await writeFile(join(root, "notes.md"), "# Notes\n");
    // An ignored one (a dependency checkout in node_modules/) is never staged: no refusal.
    await writeFile(join(root, ".gitignore"), "node_modules/\n");
    const dependency = join(root, "node_modules", "dep");
    await mkdir(dependency, { recursive: true });
    gitAs(dependency, "init", "-q");
    await writeFile(join(dependency, ".gitattributes"), "a filter=x\n");
    await writeFile(join(dependency, "a"), "hi\n");
    gitAs(dependency, "add", "-A");
    gitAs(dependency, "commit", "-q", "-m", "s");
    gitAs(dependency, "config", "filter.x.clean", `sh -c 'echo ran >> ${marker}; cat'`);
    worker = await startScriptedWorker({
      root,
      branch: "work",
      workerTools: createWorkspaceTools({ allowCommands: [], sandbox: "off" }),
      title: "Committer",
      brief: "commit",
      play: async (request) => {
        if (request.turnIndex === 2) await cleaned.wait();
        if (request.turnIndex < 3) return [{ name: "commit", input: { message: "work" } }];
        if (request.turnIndex === 3) return [{ name: "git_diff", input: {} }];
        return [{ name: "finish", input: { summary: "done" } }];
      },
    });
  });
  afterAll(async () => {
    await worker?.close();
    await directory?.remove();
  });

  it("refuses to commit while a nested repository exists, runs none of its config, and commits once it is gone", async () => {
    const { seen } = worker;
    const surface = createMemorySurface(worker.runtime);
    await surface.send("commit it");
    await waitUntil(async () => seen.length >= 2);
    for (const results of seen.slice(0, 2)) {
      expect(results[0]?.isError).toBe(true);
      expect(results[0]?.content).toContain("vendor/sub/.git");
    }
    await expect(stat(marker)).rejects.toThrow();

    // The legitimate path: with the nested repository removed, the commit goes through.
    await rm(join(root, "vendor"), { recursive: true, force: true });
    cleaned.open();
    await surface.waitFor((event) => event.type === "agent-finished", { timeoutMs: 30_000 });
    surface.close();
    expect(seen[2]?.[0]?.isError).toBe(false);
    expect(seen[2]?.[0]?.content).toContain("Committed");
    expect(seen[3]?.[0]?.isError).toBe(false);
    await expect(stat(marker)).rejects.toThrow();
  });
});
