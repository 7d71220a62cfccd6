import { lstat, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  describeRestoreMechanism,
  detectRestoreMechanism,
} from "../../src/adapters/environment/restore-mechanism.ts";
import { SetupCache } from "../../src/adapters/environment/setup-cache.ts";
import { layersDirectory } from "../../src/adapters/environment/setup-layers.ts";
import { detectSandbox } from "../../src/adapters/process/sandbox-probe.ts";
import { runWorkspaceCommand } from "../../src/adapters/workspace/workspace-command.ts";
import { resolveToolOptions } from "../../src/adapters/workspace/workspace-tool-options.ts";
import { median } from "./stats.ts";

export interface RestoreBenchmarkOptions {
  /** Files of the synthetic node_modules, 100 per package directory. */
  files: number;
  /** Its total size. */
  bytes: number;
  /** New workspaces the cached tree is restored into. */
  workspaces: number;
}

export interface RestoreBenchmarkResult {
  mechanism: string;
  files: number;
  bytes: number;
  /** Storing the tree in the setup cache (what a first setup pays after its command). */
  storeMs: number;
  restoreMs: number[];
  restoreMedianMs: number;
  /** Blocks allocated by one restore (working copy's restored names and the layer directory), median. */
  diskPerWorkspaceBytes: number;
  /** The same tree restored by copying, once, for comparison. */
  copyRestoreMs: number;
  copyDiskBytes: number;
  /** Files a sandboxed command counts in the restored tree: the same tree as the cache's. */
  filesSeenByCommands: number;
  /** A command (`true`) in a workspace with the layer mounted, and in one without: what the mount adds to each command. */
  layeredCommandMs: number;
  plainCommandMs: number;
}

/** Allocated bytes below `path`, never following a symlink. */
async function allocatedBytes(path: string): Promise<number> {
  const info = await lstat(path).catch(() => undefined);
  if (!info) return 0;
  let total = info.blocks * 512;
  if (info.isDirectory()) {
    for (const name of await readdir(path)) total += await allocatedBytes(join(path, name));
  }
  return total;
}

async function generateTree(root: string, files: number, bytes: number): Promise<void> {
  const perFile = Math.max(1, Math.floor(bytes / files));
  const content = Buffer.alloc(perFile, "// synthetic dependency file\n");
  for (let index = 0; index < files; index += 1) {
    const directory = join(root, "node_modules", `package-${Math.floor(index / 100)}`);
    if (index % 100 === 0) await mkdir(directory, { recursive: true });
    await writeFile(join(directory, `file-${index % 100}.js`), content);
  }
}

/**
 * A cached setup of a synthetic `node_modules` (`files` files, `bytes` bytes) given to
 * `workspaces` new workspaces by the mechanism this host supports, and once by copying:
 * time per restore and the disk each adds. Used by `npm run bench` (row 8).
 */
export async function benchmarkRestore(options: RestoreBenchmarkOptions): Promise<RestoreBenchmarkResult> {
  const sandbox = await detectSandbox("required");
  if (sandbox.state !== "active")
    throw new Error("restores are measured in the command sandbox (bubblewrap)");
  const base = await mkdtemp(join(tmpdir(), "threadwork-bench-restore-"));
  try {
    const cacheDirectory = join(base, "data", "setup-cache");
    const mechanism = await detectRestoreMechanism({ sandbox: "required", scratchDirectory: cacheDirectory });
    const cache = new SetupCache({ directory: cacheDirectory, restoreMechanism: async () => mechanism });
    const generated = join(base, "generated");
    await generateTree(generated, options.files, options.bytes);
    const storeStarted = performance.now();
    await cache.store("bench", "key", generated, {
      entries: ["node_modules"],
      command: "synthetic",
      durationMs: 0,
    });
    const storeMs = performance.now() - storeStarted;
    await rm(generated, { recursive: true, force: true });

    const restoreMs: number[] = [];
    const disk: number[] = [];
    const roots: string[] = [];
    for (let index = 0; index < options.workspaces; index += 1) {
      const root = join(base, "data", "workspaces", "bench", `w${index}`);
      await mkdir(root, { recursive: true });
      const started = performance.now();
      if (!(await cache.restore("bench", "key", root)))
        throw new Error("the synthetic tree was not restored");
      restoreMs.push(performance.now() - started);
      disk.push(
        (await allocatedBytes(join(root, "node_modules"))) + (await allocatedBytes(layersDirectory(root))),
      );
      roots.push(root);
    }
    const tools = resolveToolOptions({
      allowCommands: [],
      sandbox: "required",
      hiddenPaths: [join(base, "data")],
    });
    const inWorkspace = (root: string, command: string) =>
      runWorkspaceCommand(
        tools,
        sandbox,
        { repoName: "bench", root, branch: "main", baseCommit: "HEAD" },
        {
          command,
          network: false,
          timeoutSeconds: 300,
          signal: new AbortController().signal,
          maxOutputBytes: 1000,
        },
      );
    const counted = await inWorkspace(roots[0] ?? base, "find node_modules -type f | wc -l");
    const plainRoot = join(base, "data", "workspaces", "bench", "plain");
    await mkdir(plainRoot, { recursive: true });
    const commandTimes = async (root: string) => {
      const times: number[] = [];
      for (let run = 0; run < 7; run += 1) times.push((await inWorkspace(root, "true")).process.durationMs);
      return median(times);
    };
    const layeredCommandMs = await commandTimes(roots[0] ?? base);
    const plainCommandMs = await commandTimes(plainRoot);

    const copying = new SetupCache({ directory: cacheDirectory });
    const copyRoot = join(base, "data", "workspaces", "bench", "copied");
    await mkdir(copyRoot, { recursive: true });
    const copyStarted = performance.now();
    await copying.restore("bench", "key", copyRoot);
    const copyRestoreMs = performance.now() - copyStarted;
    const copyDiskBytes = await allocatedBytes(join(copyRoot, "node_modules"));

    return {
      mechanism: describeRestoreMechanism(mechanism),
      files: options.files,
      bytes: options.bytes,
      storeMs,
      restoreMs,
      restoreMedianMs: median(restoreMs),
      diskPerWorkspaceBytes: median(disk),
      copyRestoreMs,
      copyDiskBytes,
      filesSeenByCommands: Number(counted.process.stdout.trim()),
      layeredCommandMs,
      plainCommandMs,
    };
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}
