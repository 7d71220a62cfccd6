import { execFileSync } from "node:child_process";
import { mkdir, stat, symlink } from "node:fs/promises";
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
  let handle: DatabaseHandle;
  let server: FakeLlmServer;
  let runtime: Runtime;
  const seen: FakeToolResult[][] = [];

  beforeAll(async () => {
    directory = await temporaryDirectory("git-symlink");
    root = join(directory.path, "work");
    await mkdir(root);
    execFileSync("git", ["init", "-q", root]);
    await symlink(".git", join(root, "meta"));
    await mkdir(join(root, "deep"));
    await symlink("../.git/hooks", join(root, "deep", "x"));
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
      workerTools: createWorkspaceTools({ allowCommands: [], sandbox: "off" }),
      workspaces,
      repositories: { names: ["demo"], defaultRepository: "demo" },
    });
    server.respondWith(async (request) => {
      if (isSupervisorRequest(request)) {
        if (request.turnIndex === 0) {
          return toolCallResponse([{ name: "spawn_agent", input: { title: "Planter", brief: "plant" } }]);
        }
        return textResponse("OK.");
      }
      if (briefOf(request) !== "plant") return textResponse("?");
      if (request.turnIndex > 0) seen.push(request.lastToolResults);
      if (request.turnIndex === 0) {
        return toolCallResponse([
          ...attacks.map((path) => ({
            name: "write_file",
            input: { path, content: "/elsewhere/objects\n" },
          })),
          { name: "write_file", input: { path: "docs/notes.md", content: "# Notes\n" } },
        ]);
      }
      return toolCallResponse([{ name: "finish", input: { summary: "done" } }]);
    });
    await runtime.start();
  });
  afterAll(async () => {
    await runtime?.stop();
    await server?.close();
    await handle?.close();
    await directory?.remove();
  });

  it("refuses every write whose real location is inside .git, and writes the ordinary file", async () => {
    const surface = createMemorySurface(runtime);
    await surface.send("plant things");
    await surface.waitFor((event) => event.type === "agent-finished", { timeoutMs: 30_000 });
    surface.close();

    const results = seen[0] ?? [];
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
