import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { createWorkspaceManager, type WorkspaceManager } from "../../src/adapters/git/workspace-manager.ts";
import { detectSandbox } from "../../src/adapters/process/sandbox-probe.ts";
import { createAnthropicProvider } from "../../src/adapters/providers/anthropic-provider.ts";
import { createWorkspaces, type Workspaces } from "../../src/adapters/workspace/create-workspaces.ts";
import { createWorkspacesPort } from "../../src/adapters/workspace/workspaces-port.ts";
import type { Config } from "../../src/config/config.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { createRuntime, type Runtime } from "../../src/runtime/create-runtime.ts";
import { createWorkspaceTools } from "../../src/tools/workspace/create-workspace-tools.ts";
import {
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { briefOf, isSupervisorRequest, testConfig, testRuntimeOptions } from "../helpers/runtime-harness.ts";
import { createSourceRepository, git, temporaryDirectory } from "./repository-fixtures.ts";

/** Repositories from a configuration file next to them: web allows `npm test`, api allows nothing. */
describe("repository settings from the configuration file reach the workspaces", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let config: Config;
  let workspaces: Workspaces;
  let manager: WorkspaceManager;
  let developHead: string;
  let workingBin: string;

  beforeAll(async () => {
    directory = await temporaryDirectory("repository-settings");
    await createSourceRepository(join(directory.path, "git", "web"), { "README.md": "web\n" });
    await git(join(directory.path, "git", "web"), "checkout", "-q", "-b", "develop");
    await writeFile(join(directory.path, "git", "web", "NEXT.md"), "next\n");
    await git(join(directory.path, "git", "web"), "add", "-A");
    await git(join(directory.path, "git", "web"), "commit", "-q", "-m", "Next");
    developHead = (await git(join(directory.path, "git", "web"), "rev-parse", "HEAD")).trim();
    await git(join(directory.path, "git", "web"), "checkout", "-q", "main");
    await createSourceRepository(join(directory.path, "git", "api"), { "README.md": "api\n" });
    const contents = {
      repositories: {
        web: { url: "git/web", defaultBranch: "develop", allowCommands: ["npm test"] },
        api: { url: "git/api" },
      },
    };
    config = loadConfig({}, [], {
      file: { path: join(directory.path, "threadwork.config.json"), text: JSON.stringify(contents) },
    });
    workspaces = createWorkspaces({
      repositories: config.git.repositories,
      token: undefined,
      githubToken: undefined,
      dataDir: join(directory.path, "data"),
      push: false,
      logger: pino({ level: "silent" }),
      allowCommands: config.git.allowCommands,
      sandbox: config.git.sandbox,
    });
    manager = workspaces.manager;
    // A bwrap that passes the probe: allow-listed commands skip approval only with an active sandbox.
    workingBin = join(directory.path, "working-bin");
    await mkdir(workingBin, { recursive: true });
    await writeFile(join(workingBin, "bwrap"), "#!/bin/sh\necho 'bubblewrap 0.8.0'\n", { mode: 0o755 });
    expect((await detectSandbox("required", workingBin)).state).toBe("active");
  });
  afterAll(() => directory?.remove());

  it("starts workspaces from the configured default branch, not the remote's HEAD", async () => {
    expect(await manager.defaultBranchOf("web")).toBe("develop");
    expect(await manager.defaultBranchOf("api")).toBe("main");
    const workspace = await manager.createWorkspace({
      sessionId: "s-branch",
      agentId: "a-1",
      agentSlug: "reader",
      repoName: "web",
    });
    expect(workspace.baseCommit).toBe(developHead);
  });

  it("names a configured default branch the repository does not have", async () => {
    const missing = createWorkspaceManager({
      repositories: [{ name: "web", url: join(directory.path, "git", "web"), defaultBranch: "trunk" }],
      token: undefined,
      githubToken: undefined,
      dataDir: join(directory.path, "data-missing"),
      push: false,
      logger: pino({ level: "silent" }),
    });
    await expect(missing.defaultBranchOf("web")).rejects.toThrow(
      "Repository web has no commits on trunk (its configured defaultBranch)",
    );
  });

  describe("through the runtime", () => {
    let server: FakeLlmServer;
    let handle: DatabaseHandle;
    let runtime: Runtime;

    beforeAll(async () => {
      server = await startFakeLlmServer();
      handle = await createTestDatabase("pglite");
      const provider = createAnthropicProvider({ apiKey: "sk-ant-test", baseUrl: server.anthropicBaseUrl });
      runtime = createRuntime({
        db: handle.db,
        boss: handle.createQueue({ schedule: false, supervise: false }),
        resolveProvider: () => provider,
        config: testConfig(),
        logger: pino({ level: "silent" }),
        workerTools: createWorkspaceTools({ ...workspaces.toolOptions, sandboxSearchPath: workingBin }),
        workspaces: createWorkspacesPort(manager),
        repositories: { names: manager.repositoryNames(), defaultRepository: undefined },
        options: testRuntimeOptions,
      });
      await runtime.start();
    });
    afterAll(async () => {
      await runtime?.stop();
      await handle?.close();
      await server?.close();
    });

    it("runs a command web allows without approval, and asks before the same command in api", async () => {
      server.respondWith((request) => {
        if (isSupervisorRequest(request)) {
          if (request.lastToolResults.some((result) => result.content.includes("agent_id"))) {
            return textResponse("Started.");
          }
          if (request.turnIndex > 0) return textResponse("Noted.");
          return toolCallResponse([
            { name: "spawn_agent", input: { title: "Web tests", brief: "test web", repo: "web" } },
            { name: "spawn_agent", input: { title: "Api tests", brief: "test api", repo: "api" } },
          ]);
        }
        if (request.turnIndex === 0)
          return toolCallResponse([{ name: "run_command", input: { command: "npm test" } }]);
        return toolCallResponse([{ name: "finish", input: { summary: `${briefOf(request)}: ran` } }]);
      });
      const surface = createMemorySurface(runtime, { userId: "owner" });
      await surface.send("run the tests of web and api");
      const asked = await surface.waitFor((event) => event.type === "approval-requested");
      const finished = await surface.waitFor((event) => event.type === "agent-finished");
      if (asked.type !== "approval-requested" || finished.type !== "agent-finished")
        throw new Error("unreachable");
      expect(asked.request.agentTitle).toBe("Api tests");
      expect(asked.request.prompt).toContain("npm test");
      expect(finished.agent.title).toBe("Web tests");
      // Only the api worker was asked (an announcement may repeat; the request is one).
      const asking = new Set(
        surface.events.flatMap((event) =>
          event.type === "approval-requested" ? [event.request.agentTitle] : [],
        ),
      );
      expect([...asking]).toEqual(["Api tests"]);
      surface.close();
    });
  });
});
