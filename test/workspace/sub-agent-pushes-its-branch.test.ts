import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { createWorkspaces } from "../../src/adapters/workspace/create-workspaces.ts";
import { createWorkspacesPort } from "../../src/adapters/workspace/workspaces-port.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import { createWorkspaceTools } from "../../src/tools/workspace/create-workspace-tools.ts";
import { type FakeGitRemote, startFakeGitRemote } from "../fakes/fake-git-remote.ts";
import {
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { briefOf, isSupervisorRequest, startTestRuntime } from "../helpers/runtime-harness.ts";
import { createSourceRepository, git, temporaryDirectory } from "./repository-fixtures.ts";

const token = "git-token-e2e-secret";

describe("a sub-agent with a repository, end to end against the fake LLM", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let remote: FakeGitRemote;
  let server: FakeLlmServer;
  let handle: DatabaseHandle;
  let runtime: Runtime;
  let bare: string;

  beforeAll(async () => {
    directory = await temporaryDirectory("e2e");
    const source = join(directory.path, "source");
    await createSourceRepository(source, { "src/app.ts": "export const version = 1;\n" });
    bare = join(directory.path, "remote", "acme", "widgets.git");
    await git(directory.path, "clone", "-q", "--bare", source, bare);
    remote = await startFakeGitRemote({ projectRoot: join(directory.path, "remote"), token });
    server = await startFakeLlmServer();
    handle = await createTestDatabase("postgres");
    const workspaces = createWorkspaces({
      repositories: [{ name: "widgets", url: remote.url("acme/widgets.git") }],
      token,
      githubToken: "ghp_e2eGithubToken0000",
      dataDir: join(directory.path, "data"),
      push: true,
      logger: pino({ level: "silent" }),
      github: { apiUrl: remote.apiUrl, hosts: [remote.host] },
      allowCommands: [],
      sandbox: "off",
    });
    const manager = workspaces.manager;
    runtime = await startTestRuntime({
      handle,
      anthropicBaseUrl: server.anthropicBaseUrl,
      workerTools: createWorkspaceTools(workspaces.toolOptions),
      workspaces: createWorkspacesPort(manager),
      repositories: { names: manager.repositoryNames(), defaultRepository: undefined },
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    await handle?.close();
    await server?.close();
    await remote?.close();
    await directory?.remove();
  });

  it("edits a file through the tools and finishes with its branch pushed and a draft pull request", async () => {
    server.respondWith(async (request) => {
      if (isSupervisorRequest(request)) {
        if (request.lastUserText.includes("finished")) return textResponse("The version is bumped.");
        if (request.lastToolResults.some((result) => result.content.includes("agent_id"))) {
          return textResponse("Started.");
        }
        return toolCallResponse([
          {
            name: "spawn_agent",
            input: { title: "Bump version", brief: "bump: set version to 2", repo: "widgets" },
          },
        ]);
      }
      expect(briefOf(request)).toContain("bump");
      if (request.turnIndex === 0) {
        return toolCallResponse([
          { name: "edit_file", input: { path: "src/app.ts", old: "version = 1", new: "version = 2" } },
        ]);
      }
      if (request.turnIndex === 1) return toolCallResponse([{ name: "git_diff", input: {} }]);
      return toolCallResponse([{ name: "finish", input: { summary: "Bumped the version to 2" } }]);
    });

    const surface = createMemorySurface(runtime, { userId: "owner" });
    await surface.send("please bump the version");
    const finished = await surface.waitFor((event) => event.type === "agent-finished");
    if (finished.type !== "agent-finished") throw new Error("unreachable");
    const branch = finished.agent.result?.branch;
    expect(branch).toMatch(/^threadwork\/[^/]+\/bump-version-[0-9a-f]{6}$/);
    expect(finished.agent.result).toMatchObject({
      pushed: true,
      diffStats: { files: 1, insertions: 1, deletions: 1 },
      pullRequestUrl: `http://${remote.host}/acme/widgets/pull/1`,
    });
    expect(await git(bare, "show", `${String(branch)}:src/app.ts`)).toBe("export const version = 2;\n");
    const diffTurn = server.requests.find(
      (request) => !isSupervisorRequest(request) && request.turnIndex === 2,
    );
    expect(diffTurn?.lastToolResults[0]?.content).toContain(
      "-export const version = 1;\n+export const version = 2;",
    );
    surface.close();
  });
});
