import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkspaceManager } from "../../src/adapters/git/workspace-manager.ts";
import { detectSandbox } from "../../src/adapters/process/sandbox-probe.ts";
import { createWorkspaces } from "../../src/adapters/workspace/create-workspaces.ts";
import { createWorkspaceEnvironment } from "../../src/adapters/workspace/workspace-environment.ts";
import type { RepositoryConfig } from "../../src/config/repository-config.ts";
import type { AnyTool, Workspace } from "../../src/domain/tool.ts";
import { createWorkspaceTools } from "../../src/tools/workspace/create-workspace-tools.ts";
import { type FakeNpmRegistry, startFakeNpmRegistry } from "../fakes/fake-npm-registry.ts";
import { fixtureDependency, nodePackageFiles } from "../scenarios/support/node-package-fixture.ts";
import { callTool, createSourceRepository, temporaryDirectory, toolContext } from "./repository-fixtures.ts";

const sandbox = await detectSandbox("required");

/**
 * Setup always has the network (it installs from the registry); the agent's commands after it
 * have it only when the repository's policy is `on`. The registry on 127.0.0.1 stands for the
 * network: reachable from the host's network namespace only.
 */
describe("network for agent commands after setup", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let registry: FakeNpmRegistry;
  let manager: WorkspaceManager;
  let tools: AnyTool[];
  let environment: ReturnType<typeof createWorkspaceEnvironment>;

  beforeAll(async () => {
    expect(sandbox.state).toBe("active");
    directory = await temporaryDirectory("network-policy");
    registry = await startFakeNpmRegistry([fixtureDependency]);
    await createSourceRepository(join(directory.path, "git", "widgets"), nodePackageFiles(registry));
    const url = join(directory.path, "git", "widgets");
    const repositories: RepositoryConfig[] = [
      { name: "offline", url, setup: { command: "npm ci" } },
      { name: "online", url, setup: { command: "npm ci" }, network: "on" },
    ];
    const dataDir = join(directory.path, "data");
    const workspaces = createWorkspaces({
      repositories,
      token: undefined,
      githubToken: undefined,
      dataDir,
      push: false,
      logger: pino({ level: "silent" }),
      sandbox: "required",
    });
    manager = workspaces.manager;
    tools = createWorkspaceTools(workspaces.toolOptions);
    environment = createWorkspaceEnvironment({
      tools: workspaces.toolOptions,
      repositories,
      dataDir,
      logger: pino({ level: "silent" }),
    });
  });
  afterAll(async () => {
    await registry?.close();
    await directory?.remove();
  });

  async function setUp(repoName: string): Promise<Workspace> {
    const workspace = await manager.createWorkspace({
      sessionId: "ses_network",
      agentId: `agt_${repoName}`,
      agentSlug: repoName,
      repoName,
    });
    const setup = await environment.prepareEnvironment({ workspace, signal: new AbortController().signal });
    expect(setup).toMatchObject({ status: "passed", source: "ran" });
    return workspace;
  }

  const fetchRegistry = () =>
    `node -e 'fetch("${registry.url}/${fixtureDependency.name}").then((response) => console.log("reached", response.status), (error) => { console.log("unreachable", error.cause?.code ?? error.message); process.exit(7); })'`;

  it("leaves commands offline when the policy is off, though setup reached the registry", async () => {
    const workspace = await setUp("offline");
    const before = registry.requests.length;
    const output = await callTool(tools, "run_command", { command: fetchRegistry() }, toolContext(workspace));
    expect(output).toMatch(/^\[exit code 7, [\d.]+ s, sandboxed\]\nunreachable/);
    expect(registry.requests.length).toBe(before);
  });

  it("gives commands the network when the policy is on, and says so", async () => {
    const workspace = await setUp("online");
    const before = registry.requests.length;
    const output = await callTool(tools, "run_command", { command: fetchRegistry() }, toolContext(workspace));
    expect(output).toMatch(/^\[exit code 0, [\d.]+ s, sandboxed, network on\]\nreached 200/);
    expect(registry.requests.length).toBe(before + 1);
  });
});
