import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { removeTree } from "../git/remove-tree.ts";
import { defaultCommandLimits } from "../process/command-limits.ts";
import { findExecutable } from "../process/find-executable.ts";
import { isOverlayPath } from "../process/overlay-layers.ts";
import { runProcess } from "../process/run-process.ts";
import { planSandboxedShell } from "../process/sandbox.ts";
import { detectSandbox, type SandboxMode } from "../process/sandbox-probe.ts";

/**
 * How a cached setup reaches a new workspace: `overlay` mounts the cache entry read-only
 * under the workspace's own upper directory inside each command's sandbox (constant time
 * and disk); `copy` copies it (`cp -a --reflink=auto`), where overlays cannot be mounted.
 */
export type RestoreMechanism = { kind: "overlay"; unsharePath: string } | { kind: "copy"; reason: string };

export interface RestoreProbeOptions {
  sandbox: SandboxMode;
  sandboxSearchPath?: string | undefined;
  /** A directory on the cache's file system, where the probe makes and removes its trial layer. */
  scratchDirectory: string;
}

const detections = new Map<string, Promise<RestoreMechanism>>();

/**
 * Mounts a trial layer in the real sandbox once per process (and scratch directory), writes
 * through it, and checks the write landed in the upper directory and not in the lower one.
 */
export function detectRestoreMechanism(options: RestoreProbeOptions): Promise<RestoreMechanism> {
  const key = `${options.sandbox}\0${options.sandboxSearchPath ?? ""}\0${options.scratchDirectory}`;
  let detection = detections.get(key);
  if (!detection) {
    detection = probe(options).catch((error: unknown) => ({
      kind: "copy" as const,
      reason: `the overlay probe failed: ${error instanceof Error ? error.message : String(error)}`,
    }));
    detections.set(key, detection);
  }
  return detection;
}

async function probe(options: RestoreProbeOptions): Promise<RestoreMechanism> {
  const sandbox = await detectSandbox(options.sandbox, options.sandboxSearchPath);
  if (sandbox.state !== "active") return { kind: "copy", reason: "the command sandbox is not active" };
  const unsharePath = findExecutable("unshare", options.sandboxSearchPath ?? process.env.PATH ?? "");
  if (!unsharePath) return { kind: "copy", reason: "unshare (util-linux) is not installed" };
  if (!isOverlayPath(options.scratchDirectory))
    return { kind: "copy", reason: "the data directory's path holds , : or \\, which overlayfs cannot take" };
  const scratch = join(options.scratchDirectory, `.overlay-probe-${process.pid}-${Date.now()}`);
  try {
    const [lower, upper, work, root, home, temporary] = ["lower", "upper", "work", "root", "home", "tmp"].map(
      (name) => join(scratch, name),
    ) as [string, string, string, string, string, string];
    for (const path of [join(lower, "d"), upper, work, join(root, "layer"), home, temporary])
      await mkdir(path, { recursive: true });
    await writeFile(join(lower, "d", "f"), "lower\n");
    const plan = planSandboxedShell({
      command: "cat layer/d/f >/dev/null && echo upper > layer/d/f",
      limits: defaultCommandLimits,
      workspaceRoot: root,
      home,
      temporaryDirectory: temporary,
      searchPath: process.env.PATH ?? "/usr/bin:/bin",
      bwrapPath: sandbox.bwrapPath,
      layers: [{ lower, upper, work, target: join(root, "layer") }],
      unsharePath,
    });
    const result = await runProcess({
      command: plan.command,
      args: plan.args,
      cwd: root,
      env: { PATH: plan.path },
      timeoutMs: 20_000,
      mergeOutput: true,
      maxOutputBytes: 2000,
    });
    const kept = await readFile(join(lower, "d", "f"), "utf8");
    const changed = await readFile(join(upper, "d", "f"), "utf8").catch(() => "");
    if (result.exitCode === 0 && kept === "lower\n" && changed === "upper\n")
      return { kind: "overlay", unsharePath };
    return {
      kind: "copy",
      reason: `an overlay cannot be mounted in the sandbox here (${result.stdout.trim().slice(0, 200) || `exit ${result.exitCode}`})`,
    };
  } finally {
    await removeTree(scratch).catch(() => undefined);
  }
}

/** What the log and `doctor` say about it. */
export function describeRestoreMechanism(mechanism: RestoreMechanism): string {
  return mechanism.kind === "overlay"
    ? "overlay: a cached setup is mounted read-only under each workspace's own upper directory, in the sandbox"
    : `copy: a cached setup is copied into each workspace (cp -a --reflink=auto), since ${mechanism.reason}`;
}
