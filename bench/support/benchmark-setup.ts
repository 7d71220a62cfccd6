import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { detectRestoreMechanism } from "../../src/adapters/environment/restore-mechanism.ts";
import { layersDirectory } from "../../src/adapters/environment/setup-layers.ts";
import { runGit } from "../../src/adapters/git/git-command.ts";
import { detectSandbox } from "../../src/adapters/process/sandbox-probe.ts";
import { createWorkspaces } from "../../src/adapters/workspace/create-workspaces.ts";
import { runWorkspaceCommand } from "../../src/adapters/workspace/workspace-command.ts";
import { createWorkspaceEnvironment } from "../../src/adapters/workspace/workspace-environment.ts";
import { workspaceUsage } from "../../src/adapters/workspace/workspace-quota.ts";
import { resolveToolOptions } from "../../src/adapters/workspace/workspace-tool-options.ts";
import type { SetupOutcome } from "../../src/domain/environment.ts";
import { type FakePackage, startFakeNpmRegistry } from "../../test/fakes/fake-npm-registry.ts";
import { median } from "./stats.ts";

export interface SetupBenchmarkOptions {
  /** Dependencies of the generated package, each from the local registry. Default 60. */
  packages?: number;
  /** Files per dependency (2 KiB each). Default 40. */
  filesPerPackage?: number;
  /** Pairs of (first, cached) workspaces; each pair starts with an empty setup cache. Default 3. */
  iterations?: number;
}

export interface SetupBenchmarkResult {
  packages: number;
  files: number;
  /** node_modules of one workspace. */
  bytes: number;
  /** What a cached workspace's restore added on disk besides its working copy: the tree or, as a layer, next to nothing. */
  restoredBytes: number;
  /** `npm ci` in the sandbox with network, then the cache stored. */
  firstMs: number[];
  /** The same lock file in a new workspace: node_modules restored from the cache. */
  cachedMs: number[];
  firstMedianMs: number;
  cachedMedianMs: number;
  /** cached ÷ first. */
  ratio: number;
}

function dependency(index: number, files: number): FakePackage {
  const name = `bench-dependency-${index}`;
  const filler = "// padding\n".repeat(170);
  const entries: Record<string, string> = { "index.js": `module.exports = ${index};\n` };
  for (let file = 0; file < files - 1; file += 1)
    entries[`lib-${file}.js`] = `${filler}exports.n = ${file};\n`;
  return { name, version: "1.0.0", files: entries };
}

/**
 * Environment setup of a generated Node package with `packages` dependencies from a local
 * npm registry (no network needed): the first workspace of a lock file runs `npm ci` in the
 * sandbox and stores node_modules in the setup cache; the next one restores it. Used by
 * `npm run bench` (row 8).
 */
export async function benchmarkSetup(options: SetupBenchmarkOptions = {}): Promise<SetupBenchmarkResult> {
  const packages = options.packages ?? 60;
  const filesPerPackage = options.filesPerPackage ?? 40;
  const iterations = options.iterations ?? 3;
  const sandbox = await detectSandbox("required");
  if (sandbox.state !== "active")
    throw new Error("environment setup runs only in the command sandbox (bubblewrap)");
  const base = await mkdtemp(join(tmpdir(), "threadwork-bench-setup-"));
  const definitions = Array.from({ length: packages }, (_, index) => dependency(index, filesPerPackage));
  const registry = await startFakeNpmRegistry(definitions, { packWith: "tar" });
  try {
    const source = join(base, "source");
    await runGit(["init", "-q", "-b", "main", source], { cwd: base });
    const dependencies = Object.fromEntries(
      definitions.map((definition) => [definition.name, definition.version]),
    );
    const lock = {
      name: "bench",
      version: "1.0.0",
      lockfileVersion: 3,
      requires: true,
      packages: {
        "": { name: "bench", version: "1.0.0", dependencies },
        ...Object.fromEntries(
          definitions.map((definition) => [
            `node_modules/${definition.name}`,
            { ...registry.lockEntry(definition.name, definition.version), license: "MIT" },
          ]),
        ),
      },
    };
    await writeFile(
      join(source, "package.json"),
      JSON.stringify({ name: "bench", version: "1.0.0", dependencies }),
    );
    await writeFile(join(source, "package-lock.json"), JSON.stringify(lock, null, 2));
    await writeFile(
      join(source, ".npmrc"),
      `registry=${registry.url}/\naudit=false\nfund=false\nupdate-notifier=false\n`,
    );
    await runGit(["add", "-A"], { cwd: source });
    await runGit(["commit", "-q", "-m", "Bench package"], { cwd: source });

    const firstMs: number[] = [];
    const cachedMs: number[] = [];
    let bytes = 0;
    let restoredBytes = 0;
    for (let iteration = 0; iteration < iterations; iteration += 1) {
      // A data directory per pair: its setup cache starts empty.
      const dataDir = join(base, `data-${iteration}`);
      const repositories = [{ name: "bench", url: source, setup: { command: "npm ci" } }];
      const workspaces = createWorkspaces({
        repositories,
        token: undefined,
        githubToken: undefined,
        dataDir,
        push: false,
        logger: pino({ level: "silent" }),
        mirrorRefreshIntervalMs: Number.POSITIVE_INFINITY,
      });
      const manager = workspaces.manager;
      const environment = createWorkspaceEnvironment({
        tools: workspaces.toolOptions,
        repositories,
        dataDir,
        logger: pino({ level: "silent" }),
      });
      const setUp = async (slug: string, expected: SetupOutcome["source"]) => {
        const workspace = await manager.createWorkspace({
          sessionId: "bench",
          agentId: slug,
          agentSlug: slug,
          repoName: "bench",
        });
        const started = performance.now();
        const outcome = await environment.prepareEnvironment({
          workspace,
          signal: new AbortController().signal,
        });
        const elapsed = performance.now() - started;
        if (outcome?.status !== "passed" || outcome.source !== expected) {
          throw new Error(
            `setup ${expected} did not pass: ${outcome?.reason ?? ""}\n${outcome?.output ?? ""}`,
          );
        }
        return { elapsed, root: workspace.root, workspace };
      };
      // A service probes once per process; each pair's new data directory would otherwise pay it again.
      await detectRestoreMechanism({ sandbox: "required", scratchDirectory: join(dataDir, "setup-cache") });
      const first = await setUp(`first-${iteration}`, "ran");
      firstMs.push(first.elapsed);
      const cached = await setUp(`cached-${iteration}`, "cache");
      cachedMs.push(cached.elapsed);
      bytes = (await workspaceUsage([join(first.root, "node_modules")])).bytes;
      restoredBytes = (
        await workspaceUsage([join(cached.root, "node_modules"), layersDirectory(cached.root)])
      ).bytes;
      // What commands see: as a layer the tree is mounted in the sandbox only.
      const listed = await runWorkspaceCommand(
        resolveToolOptions(workspaces.toolOptions),
        sandbox,
        cached.workspace,
        {
          command: "ls node_modules | wc -l",
          network: false,
          timeoutSeconds: 60,
          signal: new AbortController().signal,
          maxOutputBytes: 1000,
        },
      );
      if (Number(listed.process.stdout.trim()) < packages) {
        throw new Error(`the restored node_modules is incomplete: ${listed.process.stdout}`);
      }
    }
    const firstMedianMs = median(firstMs);
    const cachedMedianMs = median(cachedMs);
    return {
      packages,
      files: packages * (filesPerPackage + 1),
      bytes,
      restoredBytes,
      firstMs,
      cachedMs,
      firstMedianMs,
      cachedMedianMs,
      ratio: Math.round((cachedMedianMs / firstMedianMs) * 100) / 100,
    };
  } finally {
    await registry.close();
    await rm(base, { recursive: true, force: true });
  }
}
