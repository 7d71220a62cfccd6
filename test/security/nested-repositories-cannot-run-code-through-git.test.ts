import { execFileSync } from "node:child_process";
import { mkdir, rm, stat, writeFile } from "node:fs/promises";
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
import { createGate } from "../helpers/runtime-gate.ts";
import { briefOf, isSupervisorRequest, startTestRuntime } from "../helpers/runtime-harness.ts";
import { waitUntil } from "../helpers/runtime-processes.ts";
import { temporaryDirectory } from "../workspace/repository-fixtures.ts";

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
  let handle: DatabaseHandle;
  let server: FakeLlmServer;
  let runtime: Runtime;
  const seen: FakeToolResult[][] = [];
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
    const workspace: Workspace = { repoName: "demo", root, branch: "work", baseCommit: "HEAD" };
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
          return toolCallResponse([{ name: "spawn_agent", input: { title: "Committer", brief: "commit" } }]);
        }
        return textResponse("OK.");
      }
      if (briefOf(request) !== "commit") return textResponse("?");
      if (request.turnIndex > 0) seen.push(request.lastToolResults);
      if (request.turnIndex === 2) await cleaned.wait();
      if (request.turnIndex < 3) return toolCallResponse([{ name: "commit", input: { message: "work" } }]);
      if (request.turnIndex === 3) return toolCallResponse([{ name: "git_diff", input: {} }]);
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

  it("refuses to commit while a nested repository exists, runs none of its config, and commits once it is gone", async () => {
    const surface = createMemorySurface(runtime);
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
