import { mkdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import type { Workspace } from "../../src/domain/tool.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import type { WorkspacesPort } from "../../src/runtime/runtime-context.ts";
import { createMemorySurface } from "../../src/surfaces/memory-surface.ts";
import { createWorkspaceTools } from "../../src/tools/workspace/create-workspace-tools.ts";
import {
  type FakeLlmServer,
  type FakeToolResult,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { briefOf, isSupervisorRequest, startTestRuntime } from "../helpers/runtime-harness.ts";
import { temporaryDirectory } from "../workspace/repository-fixtures.ts";

// A model steered by repository text amplifies a small file with edit_file (every `a` becomes
// 2,000 characters: 40 MB from 20 KB) and writes past the workspace's disk quota, which so far
// only run_command checked. The service's memory and disk are shared by every session.
const quotaMb = 2;

describe("file writes stay within the file size cap and the workspace quota", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let root: string;
  let handle: DatabaseHandle;
  let server: FakeLlmServer;
  let runtime: Runtime;
  const seen: FakeToolResult[][] = [];

  beforeAll(async () => {
    directory = await temporaryDirectory("write-limits");
    root = join(directory.path, "work");
    await mkdir(root);
    const workspace: Workspace = { repoName: "demo", root, branch: "threadwork/s/a", baseCommit: "HEAD" };
    const workspaces: WorkspacesPort = {
      createWorkspace: async () => workspace,
      finalizeWorkspace: async () => ({}),
    };
    handle = await createTestDatabase("postgres");
    server = await startFakeLlmServer();
    runtime = await startTestRuntime({
      handle,
      anthropicBaseUrl: server.anthropicBaseUrl,
      workerTools: createWorkspaceTools({ allowCommands: [], sandbox: "off", workspaceQuotaMb: quotaMb }),
      workspaces,
      repositories: { names: ["demo"], defaultRepository: "demo" },
    });
    server.respondWith(async (request) => {
      if (isSupervisorRequest(request)) {
        if (request.turnIndex === 0) {
          return toolCallResponse([{ name: "spawn_agent", input: { title: "Writer", brief: "write" } }]);
        }
        return textResponse("OK.");
      }
      if (briefOf(request) !== "write") return textResponse("?");
      if (request.turnIndex > 0) seen.push(request.lastToolResults);
      switch (request.turnIndex) {
        case 0:
          return toolCallResponse([
            { name: "write_file", input: { path: "a.txt", content: "a".repeat(20_000) } },
          ]);
        case 1:
          return toolCallResponse([
            {
              name: "edit_file",
              input: { path: "a.txt", old: "a", new: "b".repeat(2_000), replace_all: true },
            },
          ]);
        case 2:
          // The legitimate path: an edit that stays small still works.
          return toolCallResponse([
            { name: "edit_file", input: { path: "a.txt", old: "a", new: "bb", replace_all: true } },
          ]);
        case 3:
          return toolCallResponse([
            { name: "write_file", input: { path: "b.txt", content: "c".repeat(1_500_000) } },
          ]);
        case 4:
          return toolCallResponse([
            { name: "write_file", input: { path: "c.txt", content: "d".repeat(1_500_000) } },
          ]);
        default:
          return toolCallResponse([{ name: "finish", input: { summary: "done" } }]);
      }
    });
    await runtime.start();
  });
  afterAll(async () => {
    await runtime?.stop();
    await server?.close();
    await handle?.close();
    await directory?.remove();
  });

  it("refuses an amplifying edit and a write past the quota, and allows the small ones", async () => {
    const surface = createMemorySurface(runtime);
    await surface.send("write things");
    await surface.waitFor((event) => event.type === "agent-finished", { timeoutMs: 60_000 });
    surface.close();

    const [written, amplified, small, first, second] = seen.map((results) => results[0]);
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
