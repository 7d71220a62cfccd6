import { execFileSync } from "node:child_process";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool, type Workspace } from "../../src/domain/tool.ts";
import { createWorkspaceTools } from "../../src/tools/workspace/create-workspace-tools.ts";
import { backends } from "../helpers/database.ts";
import { callTool, temporaryDirectory, toolContext } from "../workspace/repository-fixtures.ts";
import { type ScriptedWorker, startScriptedWorker } from "./support/scripted-worker.ts";

// The attacker (a model steered by repository text) points read_file at named pipes, a
// device and a 4 MB file, and a tool returns 4,033,999 characters. Nothing may hang the
// process, and nothing unbounded may reach a model.
const hugeOutput = `HEAD-MARK${"h".repeat(2_016_985)}MIDDLE-MARK${"t".repeat(2_016_985)}TAIL-MARK`;
const hugeLength = hugeOutput.length;

describe.each(backends)("FIFOs and huge files on %s", (backend) => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let root: string;
  let worker: ScriptedWorker;

  const hugeTool = defineTool({
    name: "fetch_report",
    description: "A tool from an integration that returns far too much.",
    input: z.object({}),
    risk: "safe",
    execute: async () => hugeOutput,
  });

  beforeAll(async () => {
    directory = await temporaryDirectory("limits");
    root = join(directory.path, "work");
    await mkdir(root);
    for (const name of ["pipe-1", "pipe-2", "pipe-3", "pipe-4"]) execFileSync("mkfifo", [join(root, name)]);
    await symlink("/dev/zero", join(root, "zero"));
    const line = `${"x".repeat(99)}\n`;
    await writeFile(join(root, "big.txt"), line.repeat(40_000));
    worker = await startScriptedWorker({
      root,
      branch: "threadwork/s/a",
      backend,
      workerTools: [...createWorkspaceTools({ allowCommands: [], sandbox: "off" }), hugeTool],
      title: "Prober",
      brief: "probe",
      play: (request) => {
        const previous = request.lastToolResults.at(-1)?.content ?? "";
        switch (request.turnIndex) {
          case 0:
            return [
              ...["pipe-1", "pipe-2", "pipe-3", "pipe-4", "zero"].map((path) => ({
                name: "read_file",
                input: { path },
              })),
              { name: "edit_file", input: { path: "pipe-1", old: "a", new: "b" } },
              { name: "write_file", input: { path: "pipe-2", content: "x" } },
            ];
          case 1:
            return [{ name: "read_file", input: { path: "big.txt" } }];
          case 2:
            return [{ name: "read_file", input: { path: "big.txt", offset: 39_999 } }];
          case 3:
            return [{ name: "fetch_report", input: {} }];
          case 4: {
            const reference = /read_tool_output (\{[^}]*\})/.exec(previous)?.[1] ?? "{}";
            const { tool_call_id, offset } = JSON.parse(reference) as {
              tool_call_id: string;
              offset: number;
            };
            const middle = hugeOutput.indexOf("MIDDLE-MARK");
            return [
              {
                name: "read_tool_output",
                input: { tool_call_id, offset: Math.max(offset, middle - 10), length: 100 },
              },
            ];
          }
          default:
            return [{ name: "finish", input: { summary: "probed" } }];
        }
      },
    });
  });
  afterAll(async () => {
    await worker?.close();
    await directory?.remove();
  });

  it("refuses special files, caps a huge file with a range, and caps every tool result", async () => {
    await worker.run("probe the workspace", 20_000);

    const [specials, whole, tail, huge, page] = worker.seen;
    expect(specials?.slice(0, 4).map((result) => result.isError)).toEqual([true, true, true, true]);
    expect(specials?.[0]?.content).toBe(
      '"pipe-1" is not a regular file (a named pipe); only regular files can be read.',
    );
    expect(specials?.[5]).toMatchObject({
      toolCallId: expect.any(String),
      isError: true,
      content: '"pipe-1" is not a regular file (a named pipe); only regular files can be read.',
    });
    expect(specials?.[6]).toMatchObject({
      isError: true,
      content: '"pipe-2" is not a regular file (a named pipe).',
    });
    expect(specials?.[4]).toMatchObject({ isError: true });
    expect(specials?.[4]?.content).toMatch(/symlink that leads outside the workspace/);

    expect(whole?.[0]?.isError).toBe(false);
    expect(whole?.[0]?.content.length).toBeLessThanOrEqual(100_000);
    // A full page with its footer fits under the general cap: nothing is cut from its middle.
    expect(whole?.[0]?.content).not.toContain("characters cut here");
    expect(whole?.[0]?.content).toMatch(
      /\(showing lines 1-\d+ of 40000; \d+ more lines: continue with offset=\d+\)$/,
    );
    expect(tail?.[0]?.content).toBe(`39999\t${"x".repeat(99)}\n40000\t${"x".repeat(99)}`);

    const capped = huge?.[0]?.content ?? "";
    // Booleans, so a failure does not print four megabytes.
    expect(hugeLength).toBe(4_033_999);
    expect(capped.length).toBeLessThanOrEqual(100_000);
    expect(capped.startsWith("HEAD-MARK")).toBe(true);
    expect(capped.endsWith("TAIL-MARK")).toBe(true);
    expect(capped.includes(`of ${hugeLength} characters cut here`)).toBe(true);
    expect(capped.includes("MIDDLE-MARK")).toBe(false);
    expect(page?.[0]?.content).toContain("MIDDLE-MARK");
    expect(page?.[0]?.content).toMatch(/continue with offset=\d+\]$/);
  });

  it("read_file stops when its call is cancelled", async () => {
    const tools = createWorkspaceTools({ allowCommands: [], sandbox: "off" });
    const workspace: Workspace = { repoName: "demo", root, branch: "b", baseCommit: "HEAD" };
    const controller = new AbortController();
    controller.abort();
    await expect(
      callTool(tools, "read_file", { path: "big.txt" }, toolContext(workspace, controller.signal)),
    ).rejects.toThrow(/abort/i);
  });
});
