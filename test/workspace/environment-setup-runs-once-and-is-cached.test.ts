import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SetupCache } from "../../src/adapters/environment/setup-cache.ts";
import { setupRecordPath } from "../../src/adapters/environment/setup-record.ts";
import type { WorkspaceManager } from "../../src/adapters/git/workspace-manager.ts";
import { detectSandbox } from "../../src/adapters/process/sandbox-probe.ts";
import { createWorkspaces } from "../../src/adapters/workspace/create-workspaces.ts";
import { runWorkspaceCommand } from "../../src/adapters/workspace/workspace-command.ts";
import { createWorkspaceEnvironment } from "../../src/adapters/workspace/workspace-environment.ts";
import {
  resolveToolOptions,
  type WorkspaceToolSettings,
} from "../../src/adapters/workspace/workspace-tool-options.ts";
import type { RepositoryConfig } from "../../src/config/repository-config.ts";
import type { Workspace } from "../../src/domain/tool.ts";
import { type FakeNpmRegistry, startFakeNpmRegistry } from "../fakes/fake-npm-registry.ts";
import { scaled } from "../helpers/time-scale.ts";
import { fixedLine, fixtureDependency, nodePackageFiles } from "../scenarios/support/node-package-fixture.ts";
import { createSourceRepository, git, temporaryDirectory } from "./repository-fixtures.ts";

const sandbox = await detectSandbox("required");
const registryToken = "npm_registryToken0123456789abcdef";

/**
 * Environment setup through the workspace manager and the real sandbox, against a local npm
 * registry: `npm ci` with network, once per workspace, cached by lock file for the next one.
 */
describe("environment setup", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let registry: FakeNpmRegistry;
  let manager: WorkspaceManager;
  let environment: ReturnType<typeof createWorkspaceEnvironment>;
  let repositories: RepositoryConfig[];
  let toolSettings: WorkspaceToolSettings;
  const signal = new AbortController().signal;
  let workspaceCount = 0;

  const newWorkspace = (repoName: string): Promise<Workspace> => {
    workspaceCount += 1;
    return manager.createWorkspace({
      sessionId: "ses_setup",
      agentId: `agt_${workspaceCount}`,
      agentSlug: `worker-${workspaceCount}`,
      repoName,
    });
  };
  const prepare = (workspace: Workspace) => environment.prepareEnvironment({ workspace, signal });
  /** What a command in the workspace prints: a restored layer is mounted for commands only. */
  const inSandbox = async (workspace: Workspace, command: string): Promise<string> => {
    if (sandbox.state !== "active") throw new Error("needs the sandbox");
    const ran = await runWorkspaceCommand(resolveToolOptions(toolSettings), sandbox, workspace, {
      command,
      network: false,
      timeoutSeconds: 60,
      signal,
      maxOutputBytes: 20_000,
    });
    return ran.process.stdout;
  };
  const tarballFetches = () => registry.requests.filter((path) => path.endsWith(".tgz")).length;

  beforeAll(async () => {
    // Setup and checks run only inside the sandbox: CI has bubblewrap.
    expect(sandbox.state).toBe("active");
    directory = await temporaryDirectory("environment-setup");
    registry = await startFakeNpmRegistry([fixtureDependency]);
    const files = nodePackageFiles(registry);
    await createSourceRepository(join(directory.path, "git", "widgets"), {
      ...files,
      ".threadwork/setup.sh": 'echo "repository setup ran" > repository-setup.txt\n',
    });
    await createSourceRepository(join(directory.path, "git", "broken"), files);
    await createSourceRepository(join(directory.path, "git", "scripted"), {
      "README.md": "scripted\n",
      "requirements.txt": "nothing==1.0\n",
      ".threadwork/setup.sh": 'echo "repository setup ran" > repository-setup.txt\n',
    });
    const setup = { command: "npm ci", environment: ["REGISTRY_TOKEN", "UNSET_TOKEN"] };
    repositories = [
      { name: "widgets", url: join(directory.path, "git", "widgets"), setup, check: { command: "npm test" } },
      {
        name: "broken",
        url: join(directory.path, "git", "broken"),
        setup: {
          command:
            'echo "token is $REGISTRY_TOKEN, bot is $(printenv SLACK_BOT_TOKEN || echo absent)"; exit 3',
          environment: ["REGISTRY_TOKEN"],
        },
      },
      {
        name: "counted",
        url: join(directory.path, "git", "broken"),
        setup: { command: 'echo ran >> "$HOME/setup-runs"; if [ -e "$HOME/slow" ]; then sleep 30; fi' },
      },
      {
        name: "relocked",
        url: join(directory.path, "git", "widgets"),
        setup: {
          command: 'echo "token is [$REGISTRY_TOKEN]"; npm ci --fetch-retries=0',
          environment: ["REGISTRY_TOKEN"],
        },
        check: { command: "npm test" },
      },
      {
        name: "scripted",
        url: join(directory.path, "git", "scripted"),
        setup: { command: "echo operator", fromRepository: true },
      },
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
    toolSettings = workspaces.toolOptions;
    environment = createWorkspaceEnvironment({
      tools: workspaces.toolOptions,
      repositories,
      dataDir,
      logger: pino({ level: "silent" }),
      environmentSource: {
        REGISTRY_TOKEN: registryToken,
        SLACK_BOT_TOKEN: "xoxb-never-passed",
        PATH: "/usr/bin",
      },
    });
  });
  afterAll(async () => {
    await registry?.close();
    await directory?.remove();
  });

  it("installs the dependencies with network in the sandbox, once, and a second workspace restores them", {
    timeout: scaled(120_000),
  }, async () => {
    const first = await newWorkspace("widgets");
    expect(first.check).toEqual({ command: "npm test", retries: 2, timeoutSeconds: 600 });
    const ran = await prepare(first);
    expect(ran).toMatchObject({ status: "passed", source: "ran", command: "npm ci", exitCode: 0 });
    expect(existsSync(join(first.root, "node_modules", "fixture-math", "index.js"))).toBe(true);
    expect(tarballFetches()).toBe(1);
    // What setup made never reaches a commit, ignored by the repository or not.
    expect(await readFile(join(first.root, ".git", "info", "exclude"), "utf8")).toContain("/node_modules\n");
    expect(ran?.output).toContain("[not set in Threadwork's environment, so not passed: UNSET_TOKEN]");

    // Recorded once over: the same outcome again, nothing runs.
    expect(await prepare(first)).toEqual(ran);
    expect(tarballFetches()).toBe(1);

    const second = await newWorkspace("widgets");
    const restored = await prepare(second);
    expect(restored).toMatchObject({ status: "passed", source: "cache", command: "npm ci" });
    expect(restored?.output).toContain("Restored node_modules from the setup cache");
    expect(await inSandbox(second, "cat node_modules/fixture-math/index.js")).toBe(
      fixtureDependency.files["index.js"],
    );
    expect(tarballFetches()).toBe(1);
    expect(restored?.durationMs).toBeLessThan(ran?.durationMs ?? 0);
    // An overlay layer (or a copy), never a hardlink: one workspace cannot change what the next one restores.
    await inSandbox(second, "echo poisoned > node_modules/fixture-math/index.js");
    const third = await newWorkspace("widgets");
    await prepare(third);
    expect(await inSandbox(third, "cat node_modules/fixture-math/index.js")).toBe(
      fixtureDependency.files["index.js"],
    );
  });

  it("runs the check in the sandbox on a clean checkout of the commit: the failing test fails with its output, the fix passes", {
    timeout: scaled(120_000),
  }, async () => {
    const workspace = await newWorkspace("widgets");
    await prepare(workspace);
    const check = async (message: string) => {
      const { commit } = await manager.commitWorkspace(workspace, { message });
      return { commit, outcome: await environment.checkCommit({ workspace, commit, signal }) };
    };
    const failed = await check("Nothing changed");
    expect(failed.outcome).toMatchObject({ status: "failed", command: "npm test", exitCode: 1 });
    expect(failed.outcome.commit).toBe(failed.commit);
    expect(failed.outcome.summary).toMatch(/7 !== 6|Expected values to be strictly equal/);
    const path = join(workspace.root, "src", "total.js");
    const source = await readFile(path, "utf8");
    await writeFile(path, source.replace(/items\.reduce\(.*\)/, fixedLine));
    const passed = await check("Fix the total");
    expect(passed.commit).not.toBe(failed.commit);
    expect(passed.outcome).toMatchObject({ status: "passed", exitCode: 0, commit: passed.commit });
    expect(passed.outcome.durationMs).toBeGreaterThan(0);
    // The clean checkout, its home and /tmp are gone afterwards.
    expect(await readdir(join(directory.path, "data", "checks"))).toEqual([]);
  });

  it("runs setup for a checked commit whose lock file has no cache entry without secrets, the network or the cache", {
    timeout: scaled(120_000),
  }, async () => {
    const workspace = await newWorkspace("relocked");
    expect(await prepare(workspace)).toMatchObject({ status: "passed", source: "ran" });
    const cached = await readdir(join(directory.path, "data", "setup-cache", "relocked"));
    expect(cached).toHaveLength(1);
    const lock = join(workspace.root, "package-lock.json");
    await writeFile(lock, `${await readFile(lock, "utf8")}\n`);
    const { commit } = await manager.commitWorkspace(workspace, { message: "Touch the lock file" });
    const outcome = await environment.checkCommit({ workspace, commit, signal });
    // The repository's network is off: the agent's commit cannot fetch what its lock file names.
    expect(outcome).toMatchObject({ status: "failed", command: "npm test", exitCode: null, commit });
    expect(outcome.summary).toContain(`Setup on the clean checkout of ${commit.slice(0, 12)} failed`);
    expect(outcome.summary).toContain("token is []");
    expect(outcome.summary).toContain("no setup.environment variables");
    expect(outcome.summary).not.toContain(registryToken);
    expect(await readdir(join(directory.path, "data", "setup-cache", "relocked"))).toEqual(cached);
  });

  it("reports a failing setup with its redacted output, and passes only the variables named", async () => {
    const workspace = await newWorkspace("broken");
    const failed = await prepare(workspace);
    expect(failed).toMatchObject({ status: "failed", source: "ran", exitCode: 3, reason: "exit code 3" });
    expect(failed?.output).toContain("token is [REDACTED], bot is absent");
    expect(failed?.output).not.toContain(registryToken);
    expect(existsSync(setupRecordPath(workspace.root))).toBe(true);
  });

  it("runs the repository's own setup script only when the operator allows it", async () => {
    const allowed = await newWorkspace("scripted");
    const outcome = await prepare(allowed);
    expect(outcome).toMatchObject({
      status: "passed",
      command: "(echo operator) && bash ./.threadwork/setup.sh",
    });
    expect(await readFile(join(allowed.root, "repository-setup.txt"), "utf8")).toBe("repository setup ran\n");
    // What setup wrote stays out of the agent's commits.
    expect(await git(allowed.root, "status", "--porcelain")).toBe("");

    // widgets has the same script, but its setup does not let the repository add to it.
    const refused = await newWorkspace("widgets");
    await prepare(refused);
    expect(existsSync(join(refused.root, "repository-setup.txt"))).toBe(false);
  });

  it("runs a setup that was cut short again, and one that finished never again", async () => {
    const workspace = await newWorkspace("counted");
    const home = `${workspace.root}.home`;
    await mkdir(home, { recursive: true });
    await writeFile(join(home, "slow"), "");
    const crash = new AbortController();
    const cut = environment.prepareEnvironment({ workspace, signal: crash.signal });
    await waitForFile(join(home, "setup-runs"));
    crash.abort();
    await expect(cut).rejects.toThrow("cancelled");
    expect(existsSync(setupRecordPath(workspace.root))).toBe(false);

    await rm(join(home, "slow"));
    expect(await prepare(workspace)).toMatchObject({ status: "passed" });
    expect(await prepare(workspace)).toMatchObject({ status: "passed" });
    expect(await readFile(join(home, "setup-runs"), "utf8")).toBe("ran\nran\n");
  });

  it("keeps one cache entry when two instances store the same key at once", async () => {
    const cache = new SetupCache({ directory: join(directory.path, "cache-race") });
    const roots = [join(directory.path, "race-a"), join(directory.path, "race-b")];
    for (const [index, root] of roots.entries()) {
      await mkdir(join(root, "node_modules", "left-pad"), { recursive: true });
      await writeFile(join(root, "node_modules", "left-pad", "index.js"), `module.exports = ${index};\n`);
    }
    await Promise.all(
      roots.map((root) =>
        cache.store("widgets", "key-1", root, {
          entries: ["node_modules"],
          command: "npm ci",
          durationMs: 1,
        }),
      ),
    );
    expect(await readdir(join(directory.path, "cache-race", "widgets"))).toEqual(["key-1"]);
    const target = join(directory.path, "race-target");
    await mkdir(target);
    expect(await cache.restore("widgets", "key-1", target)).toBe(true);
    expect(await readFile(join(target, "node_modules", "left-pad", "index.js"), "utf8")).toMatch(
      /^module\.exports = [01];\n$/,
    );
    // A name the working copy already has is not overwritten: the caller runs setup instead.
    expect(await cache.restore("widgets", "key-1", target)).toBe(false);
  });
});

async function waitForFile(path: string): Promise<void> {
  for (let attempt = 0; attempt < 200 && !existsSync(path); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
