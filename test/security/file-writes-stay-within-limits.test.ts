import { mkdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspaceTools } from "../../src/tools/workspace/create-workspace-tools.ts";
import { temporaryDirectory } from "../workspace/repository-fixtures.ts";
import { type ScriptedWorker, startScriptedWorker } from "./support/scripted-worker.ts";

// A model steered by repository text amplifies a small file with edit_file (every `a` becomes
// 2,000 characters: 40 MB from 20 KB) and writes past the workspace's disk quota, which so far
// only run_command checked. The service's memory and disk are shared by every session.
const quotaMb = 2;

describe("file writes stay within the file size cap and the workspace quota", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let root: string;
  let worker: ScriptedWorker;

  beforeAll(async () => {
    directory = await temporaryDirectory("write-limits");
    root = join(directory.path, "work");
    await mkdir(root);
    worker = await startScriptedWorker({
      root,
      branch: "threadwork/s/a",
      workerTools: createWorkspaceTools({ allowCommands: [], sandbox: "off", workspaceQuotaMb: quotaMb }),
      title: "Writer",
      brief: "write",
      // Megabyte writes in one tool call are past any model's output; a wide window keeps compaction out of this test.
      workerContextWindowTokens: 10_000_000,
      play: (request) => {
        switch (request.turnIndex) {
          case 0:
            return [{ name: "write_file", input: { path: "a.txt", content: "a".repeat(20_000) } }];
          case 1:
            return [
              {
                name: "edit_file",
                input: { path: "a.txt", old: "a", new: "b".repeat(2_000), replace_all: true },
              },
            ];
          case 2:
            // The legitimate path: an edit that stays small still works.
            return [{ name: "edit_file", input: { path: "a.txt", old: "a", new: "bb", replace_all: true } }];
          case 3:
            return [{ name: "write_file", input: { path: "b.txt", content: "c".repeat(1_500_000) } }];
          case 4:
            return [{ name: "write_file", input: { path: "c.txt", content: "d".repeat(1_500_000) } }];
          default:
            return [{ name: "finish", input: { summary: "done" } }];
        }
      },
    });
  });
  afterAll(async () => {
    await worker?.close();
    await directory?.remove();
  });

  it("refuses an amplifying edit and a write past the quota, and allows the small ones", async () => {
    await worker.run("write things", 60_000);

    const [written, amplified, small, first, second] = worker.seen.map((results) => results[0]);
    expect(written?.content).toContain("Created a.txt");
    expect(amplified?.isError).toBe(true);
    expect(amplified?.content).toContain("40000000 bytes");
    expect(small?.isError).toBe(false);
    expect((await stat(join(root, "a.txt"))).size).toBe(40_000);
    expect(first?.isError).toBe(false);
    expect(second?.isError).toBe(true);
    expect(second?.content).toContain(`${quotaMb} MiB disk quota`);
    await expect(stat(join(root, "c.txt"))).rejects.toThrow();
  });
});
