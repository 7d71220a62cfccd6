import { realpathSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import type { WorkspaceManager } from "../../src/adapters/git/workspace-manager.ts";
import { createAnthropicProvider } from "../../src/adapters/providers/anthropic-provider.ts";
import { createWorkspaces } from "../../src/adapters/workspace/create-workspaces.ts";
import { workspaceDescriber } from "../../src/adapters/workspace/describe-workspace.ts";
import { createWorkspacesPort } from "../../src/adapters/workspace/workspaces-port.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { createRuntime, type Runtime } from "../../src/runtime/create-runtime.ts";
import { createWorkspaceTools } from "../../src/tools/workspace/create-workspace-tools.ts";
import {
  type FakeLlmRequest,
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { briefOf, isSupervisorRequest, testConfig, testRuntimeOptions } from "../helpers/runtime-harness.ts";
import { createSourceRepository, temporaryDirectory } from "./repository-fixtures.ts";

/**
 * The deployment allows `git status` (THREADWORK_ALLOW_COMMANDS); the configuration file lets
 * web also run `ls` and `node --version`. What each worker's first message says runs without
 * approval is exactly what runs without approval.
 */
describe("a worker is told the approval rule that applies to its repository", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let handle: DatabaseHandle;
  let server: FakeLlmServer;
  let workingBin: string;

  beforeAll(async () => {
    directory = await temporaryDirectory("approval-rule");
    await createSourceRepository(join(directory.path, "git", "web"), { "README.md": "web\n" });
    await createSourceRepository(join(directory.path, "git", "api"), { "README.md": "api\n" });
    // A bwrap that passes the probe: allow-listed commands skip approval only with an active sandbox.
    workingBin = join(directory.path, "working-bin");
    await mkdir(workingBin, { recursive: true });
    await writeFile(join(workingBin, "bwrap"), "#!/bin/sh\necho 'bubblewrap 0.8.0'\n", { mode: 0o755 });
    server = await startFakeLlmServer();
    handle = await createTestDatabase("pglite");
  });
  afterAll(async () => {
    await handle?.close();
    await server?.close();
    await directory?.remove();
  });

  async function startRuntime(sandbox: "required" | "off", name: string) {
    const contents = {
      repositories: {
        web: { url: "git/web", allowCommands: ["ls", "node --version"] },
        api: { url: "git/api" },
      },
    };
    const config = loadConfig({ THREADWORK_ALLOW_COMMANDS: "git status", THREADWORK_SANDBOX: sandbox }, [], {
      file: { path: join(directory.path, "threadwork.config.json"), text: JSON.stringify(contents) },
    });
    const workspaces = createWorkspaces({
      repositories: config.git.repositories,
      token: undefined,
      githubToken: undefined,
      dataDir: join(directory.path, `data-${name}`),
      push: false,
      logger: pino({ level: "silent" }),
      allowCommands: config.git.allowCommands,
      sandbox: config.git.sandbox,
    });
    const manager: WorkspaceManager = workspaces.manager;
    const settings = () => ({ ...workspaces.toolOptions, sandboxSearchPath: workingBin });
    const provider = createAnthropicProvider({ apiKey: "sk-ant-test", baseUrl: server.anthropicBaseUrl });
    const runtime: Runtime = createRuntime({
      db: handle.db,
      boss: handle.createQueue({ schedule: false, supervise: false }),
      resolveProvider: () => provider,
      config: testConfig(),
      logger: pino({ level: "silent" }),
      workerTools: createWorkspaceTools(settings()),
      workspaces: { ...createWorkspacesPort(manager), describeWorkspace: workspaceDescriber(settings) },
      repositories: { names: manager.repositoryNames(), defaultRepository: undefined },
      options: testRuntimeOptions,
    });
    await runtime.start();
    return runtime;
  }

  /** Each worker runs an allowed command, then one that is not: the run stops at the first that asks. */
  function script(commands: Record<string, string[]>) {
    server.respondWith((request) => {
      if (isSupervisorRequest(request)) {
        if (request.turnIndex > 0) return textResponse("Noted.");
        return toolCallResponse([
          { name: "spawn_agent", input: { title: "Web", brief: "work in web", repo: "web" } },
          { name: "spawn_agent", input: { title: "Api", brief: "work in api", repo: "api" } },
        ]);
      }
      const brief = Object.keys(commands).find((key) => briefOf(request).startsWith(key)) ?? "";
      const command = commands[brief]?.[request.turnIndex];
      if (command) return toolCallResponse([{ name: "run_command", input: { command } }]);
      return toolCallResponse([{ name: "finish", input: { summary: "done" } }]);
    });
  }

  /** The newest worker's with this brief: each test starts its own session. */
  function firstMessageOf(brief: string): string {
    const request = server.requests.findLast(
      (candidate: FakeLlmRequest) => !isSupervisorRequest(candidate) && briefOf(candidate).startsWith(brief),
    );
    return request?.messages[0]?.text ?? "";
  }

  // Budgets for a busy machine (two workspaces, the Node's and npm's versions asked once), not speed.
  const budgetMs = 120_000;

  it(
    "with the sandbox active: the deployment's and the repository's own commands, each run without asking",
    async () => {
      const runtime = await startRuntime("required", "sandboxed");
      try {
        script({ "work in web": ["ls", "node --version", "cat README.md"], "work in api": ["ls"] });
        const surface = createMemorySurface(runtime, { userId: "owner" });
        await surface.send("work in web and api");
        await surface.waitFor(
          (event) => event.type === "approval-requested" && event.request.agentTitle === "Web",
          { timeoutMs: budgetMs },
        );
        await surface.waitFor(
          (event) => event.type === "approval-requested" && event.request.agentTitle === "Api",
          { timeoutMs: budgetMs },
        );
        expect(firstMessageOf("work in web")).toContain(
          "These run without approval: git status, ls, node --version. Anything else waits for a person's approval.",
        );
        // And the Node its commands run on: Threadwork's own unless the repository says otherwise.
        expect(firstMessageOf("work in web")).toContain(
          `- Node: commands run on Node ${process.version} at ${realpathSync(process.execPath)} (Threadwork's own Node)`,
        );
        expect(firstMessageOf("work in api")).toContain(
          "These run without approval: git status. Anything else waits for a person's approval.",
        );
        const asked = surface.events.flatMap((event) =>
          event.type === "approval-requested" ? [`${event.request.agentTitle}: ${event.request.prompt}`] : [],
        );
        // Web's `ls` and `node --version` ran without asking; its `cat` and api's `ls` wait.
        expect([...new Set(asked)].sort()).toEqual([
          expect.stringMatching(/^Api: .*run `ls`$/),
          expect.stringMatching(/^Web: .*run `cat README.md`$/),
        ]);
        surface.close();
      } finally {
        await runtime.stop();
      }
    },
    3 * budgetMs,
  );

  it(
    "with the sandbox off: the first message says every command waits, and `ls` does",
    async () => {
      const runtime = await startRuntime("off", "unsandboxed");
      try {
        script({ "work in web": ["ls"], "work in api": [] });
        const surface = createMemorySurface(runtime, { userId: "owner" });
        await surface.send("work in web and api");
        const asked = await surface.waitFor(
          (event) => event.type === "approval-requested" && event.request.agentTitle === "Web",
          { timeoutMs: budgetMs },
        );
        if (asked.type !== "approval-requested") throw new Error("unreachable");
        expect(asked.request.prompt).toMatch(/run `ls`$/);
        const text = firstMessageOf("work in web");
        expect(text).toContain("run WITHOUT a sandbox");
        expect(text).toContain(
          "Without the sandbox no command is allow-listed: every command waits for a person's approval.",
        );
        expect(text).not.toContain("These run without approval");
        surface.close();
      } finally {
        await runtime.stop();
      }
    },
    3 * budgetMs,
  );
});
