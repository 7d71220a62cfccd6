import { realpathSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { delimiter, dirname, join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultCommandLimits } from "../../src/adapters/process/command-limits.ts";
import { findExecutable } from "../../src/adapters/process/find-executable.ts";
import { planSandboxedShell } from "../../src/adapters/process/sandbox.ts";
import { detectSandbox } from "../../src/adapters/process/sandbox-probe.ts";
import { workspaceDescriber } from "../../src/adapters/workspace/describe-workspace.ts";
import { createWorkspaceEnvironment } from "../../src/adapters/workspace/workspace-environment.ts";
import { checkNodeRuntimes } from "../../src/application/doctor/check-node.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import type { RepositoryConfig } from "../../src/config/repository-config.ts";
import { workerEnvironmentText } from "../../src/domain/prompts/worker-environment.ts";
import type { Workspace } from "../../src/domain/tool.ts";
import { createWorkspaceTools } from "../../src/tools/workspace/create-workspace-tools.ts";
import { callTool, createSourceRepository, temporaryDirectory, toolContext } from "./repository-fixtures.ts";

const sandbox = await detectSandbox("required");
const bwrapUsable = sandbox.state === "active";
/** The Node running Threadwork (and these tests). */
const threadworkNode = realpathSync(process.execPath);

/**
 * The host's PATH starts with a `node` that is not Threadwork's (a system Node 20 on many
 * machines; a fake printing v0.0.0-host here, so every machine sees the same). Commands,
 * setup and checks still run on the Node the repository's `node` setting names:
 * Threadwork's own by default, the host's with `system`, or a configured executable.
 */
describe(`commands run on the repository's configured Node (bubblewrap ${bwrapUsable ? "usable" : "not usable"} here)`, () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let hostBin: string;
  let configuredNode: string;
  let originalPath: string | undefined;
  let counter = 0;

  beforeAll(async () => {
    directory = await temporaryDirectory("node-runtime");
    hostBin = join(directory.path, "host-bin");
    await mkdir(hostBin);
    await writeFile(join(hostBin, "node"), "#!/bin/sh\necho v0.0.0-host\n", { mode: 0o755 });
    configuredNode = join(directory.path, "node-configured", "bin", "node");
    await mkdir(dirname(configuredNode), { recursive: true });
    await writeFile(configuredNode, "#!/bin/sh\necho v0.0.0-configured\n", { mode: 0o755 });
    configuredNode = realpathSync(configuredNode);
    originalPath = process.env.PATH;
    process.env.PATH = `${hostBin}${delimiter}${originalPath ?? "/usr/bin:/bin"}`;
  });
  afterAll(async () => {
    process.env.PATH = originalPath;
    await directory?.remove();
  });

  async function workspaceOf(repoName: string, check?: string): Promise<Workspace> {
    counter += 1;
    const root = join(directory.path, "data", "workspaces", `ws-${counter}`);
    const baseCommit = await createSourceRepository(root, { "README.md": "hi\n" });
    return {
      repoName,
      root,
      branch: "main",
      baseCommit,
      ...(check ? { check: { command: check, retries: 0, timeoutSeconds: 600 } } : {}),
    };
  }

  const repositoryNode = () => ({ pinned: configuredNode, hosted: "system" as const });
  const repositories = (command: string): RepositoryConfig[] =>
    ["demo", "pinned", "hosted"].map((name) => ({
      name,
      url: "/unused",
      setup: { command },
      check: { command },
    }));

  it("puts the repository's Node first on the commands' PATH, with the sandbox on or off", () => {
    const plan = (node: string | undefined, bwrapPath: string | undefined, searchPath: string) =>
      planSandboxedShell({
        command: "node --version",
        limits: defaultCommandLimits,
        workspaceRoot: "/nonexistent/ws",
        home: "/nonexistent/ws.home",
        temporaryDirectory: "/nonexistent/ws.tmp",
        searchPath,
        bwrapPath,
        ...(node ? { node } : {}),
      });
    const host = `${hostBin}:/work/app/node_modules/.bin:/usr/bin:/bin`;
    for (const bwrapPath of [undefined, "/usr/bin/bwrap"]) {
      const path = plan(undefined, bwrapPath, host).path.split(delimiter);
      expect(path[0]).toBe(dirname(threadworkNode));
      // npm's own tool directory in front of Threadwork is never the commands' business.
      expect(path).not.toContain("/work/app/node_modules/.bin");
      expect(plan(configuredNode, bwrapPath, host).path.split(delimiter)[0]).toBe(dirname(configuredNode));
    }
    // Without the sandbox every host directory stays, after the chosen Node's.
    expect(plan(undefined, undefined, host).path.split(delimiter)).toContain(hostBin);
    expect(plan("system", undefined, host).path.split(delimiter)[0]).toBe(hostBin);
    // Inside the sandbox only the configured Node's own package is mounted, read-only.
    const args = plan(configuredNode, "/usr/bin/bwrap", host).args.join(" ");
    expect(args).toContain(
      `--ro-bind ${dirname(dirname(configuredNode))} ${dirname(dirname(configuredNode))}`,
    );
    expect(() => plan("/nonexistent/node", undefined, host)).toThrow(
      "The configured node /nonexistent/node is not an executable file",
    );
  });

  it("without the sandbox: run_command and setup run the repository's Node, and npm runs on it", async () => {
    const tools = createWorkspaceTools({
      allowCommands: [],
      sandbox: "off",
      repositoryNode: repositoryNode(),
    });
    const run = async (repoName: string, command: string) =>
      callTool(tools, "run_command", { command }, toolContext(await workspaceOf(repoName)));
    expect(await run("demo", "node --version")).toMatch(new RegExp(`NOT sandboxed\\]\\n${process.version}$`));
    expect(await run("pinned", "node --version")).toMatch(/\nv0\.0\.0-configured$/);
    expect(await run("hosted", "node --version")).toMatch(/\nv0\.0\.0-host$/);
    if (findExecutable("npm", originalPath)) {
      expect(await run("demo", "npm version --json")).toContain(`"node": "${process.versions.node}"`);
    }
    const environment = createWorkspaceEnvironment({
      tools: { allowCommands: [], sandbox: "off", repositoryNode: repositoryNode() },
      repositories: repositories("node --version"),
      dataDir: join(directory.path, "data"),
      logger: pino({ level: "silent" }),
    });
    const signal = new AbortController().signal;
    const setup = await environment.prepareEnvironment({ workspace: await workspaceOf("demo"), signal });
    expect(setup?.output).toBe(process.version);
  });

  it("in the sandbox: run_command, setup and the check run the repository's Node", async () => {
    if (!bwrapUsable) return;
    const options = { allowCommands: [], sandbox: "required" as const, repositoryNode: repositoryNode() };
    const tools = createWorkspaceTools(options);
    const run = async (repoName: string, command: string) =>
      callTool(tools, "run_command", { command }, toolContext(await workspaceOf(repoName)));
    expect(await run("demo", "node --version")).toMatch(new RegExp(`, sandboxed\\]\\n${process.version}$`));
    expect(await run("pinned", "node --version")).toMatch(/\nv0\.0\.0-configured$/);
    const environment = createWorkspaceEnvironment({
      tools: options,
      repositories: repositories("node --version"),
      dataDir: join(directory.path, "data"),
      logger: pino({ level: "silent" }),
    });
    const signal = new AbortController().signal;
    const setup = await environment.prepareEnvironment({ workspace: await workspaceOf("demo"), signal });
    expect(setup?.output).toBe(process.version);
    const checked = await workspaceOf("demo", "node --version");
    const check = await environment.checkCommit({ workspace: checked, commit: checked.baseCommit, signal });
    expect(check).toMatchObject({ status: "passed", summary: process.version });
    const pinnedWorkspace = await workspaceOf("pinned", "node --version");
    const pinned = await environment.checkCommit({
      workspace: pinnedWorkspace,
      commit: pinnedWorkspace.baseCommit,
      signal,
    });
    expect(pinned.summary).toBe("v0.0.0-configured");
    // The check is the workspace's: one that records none runs none, whatever the configuration says.
    const unchecked = await workspaceOf("demo");
    expect(
      await environment.checkCommit({ workspace: unchecked, commit: unchecked.baseCommit, signal }),
    ).toMatchObject({ status: "not-run", summary: "the repository has no check command" });
  });

  it("the worker's first message and doctor name the Node of each repository", async () => {
    const describe = workspaceDescriber(() => ({
      allowCommands: [],
      sandbox: "off",
      hiddenPaths: [],
      repositoryNode: repositoryNode(),
    }));
    const textOf = async (repoName: string) => {
      const workspace = await workspaceOf(repoName);
      return workerEnvironmentText(workspace, await describe({ workspace, brief: "" }), ["run_command"]);
    };
    expect(await textOf("demo")).toContain(
      `- Node: commands run on Node ${process.version} at ${threadworkNode} (Threadwork's own Node)`,
    );
    expect(await textOf("pinned")).toContain(
      `- Node: commands run on Node v0.0.0-configured at ${configuredNode} (the Node configured for this repository)`,
    );

    const contents = {
      repositories: {
        demo: { url: "/unused/demo" },
        pinned: { url: "/unused/pinned", node: configuredNode },
        gone: { url: "/unused/gone", node: "/nonexistent/threadwork/node" },
      },
    };
    const config = loadConfig({ THREADWORK_SANDBOX: "off" }, [], {
      file: { path: join(directory.path, "threadwork.config.json"), text: JSON.stringify(contents) },
    });
    const checks = await checkNodeRuntimes(config);
    expect(checks.map((check) => [check.subject, check.status])).toEqual([
      ["Node for demo", "ok"],
      ["Node for pinned", "ok"],
      ["Node for gone", "problem"],
    ]);
    expect(checks[0]?.detail).toMatch(
      new RegExp(
        `^${process.version} at ${threadworkNode} \\(Threadwork's own; node "threadwork, the default"\\)`,
      ),
    );
    expect(checks[1]?.detail).toMatch(
      new RegExp(`^v0\\.0\\.0-configured at ${configuredNode} \\(configured;`),
    );
    expect(checks[2]?.detail).toBe(
      'node "/nonexistent/threadwork/node": The configured node /nonexistent/threadwork/node is not an executable file',
    );
  });

  it("refuses a `node` setting that is neither threadwork, system nor an absolute path", () => {
    const contents = { repositories: { demo: { url: "/unused/demo", node: "node22" } } };
    expect(() =>
      loadConfig({}, [], {
        file: { path: join(directory.path, "threadwork.config.json"), text: JSON.stringify(contents) },
      }),
    ).toThrow(
      /repositories\.demo\.node .*must be "threadwork", "system" or the absolute path of a node executable/,
    );
  });
});
