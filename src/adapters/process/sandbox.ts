import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { ToolError } from "../../domain/errors.ts";
import { runProcess } from "./run-process.ts";

export type SandboxMode = "auto" | "bwrap" | "off";

export interface SandboxPlan {
  /** What actually runs: `bwrap` or `bash` directly. */
  kind: "bwrap" | "none";
  command: string;
  args: string[];
}

/** Finds an executable on PATH without spawning anything. */
export function findExecutable(name: string, path = process.env.PATH ?? ""): string | undefined {
  for (const directory of path.split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

export interface SandboxProbe {
  usable: boolean;
  /** Why bwrap cannot run here, e.g. user namespaces are disabled in a container. */
  reason?: string;
}

const probes = new Map<string, Promise<SandboxProbe>>();

/**
 * Runs bwrap once with the namespaces we use: an installed bwrap can still fail where
 * user namespaces are off (many unprivileged containers). Cached per binary.
 */
export function probeBubblewrap(bwrapPath: string): Promise<SandboxProbe> {
  let probe = probes.get(bwrapPath);
  if (!probe) {
    probe = runProcess({
      command: bwrapPath,
      args: [
        "--unshare-all",
        "--die-with-parent",
        "--ro-bind",
        "/",
        "/",
        "--dev",
        "/dev",
        "--proc",
        "/proc",
        "true",
      ],
      cwd: "/",
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
      timeoutMs: 10_000,
      mergeOutput: true,
      maxOutputBytes: 2000,
    }).then(
      (result) =>
        result.exitCode === 0
          ? { usable: true }
          : { usable: false, reason: result.stdout.trim() || "bwrap failed" },
      (error: unknown) => ({ usable: false, reason: error instanceof Error ? error.message : String(error) }),
    );
    probes.set(bwrapPath, probe);
  }
  return probe;
}

/**
 * Which bwrap to use for a mode: `off` none; `auto` bwrap when installed and usable;
 * `bwrap` bwrap or a ToolError that says why not.
 */
export async function resolveBubblewrap(mode: SandboxMode, searchPath?: string): Promise<string | undefined> {
  if (mode === "off") return undefined;
  const bwrap = findExecutable("bwrap", searchPath);
  if (!bwrap) {
    if (mode === "bwrap") throw missingBubblewrap();
    return undefined;
  }
  const probe = await probeBubblewrap(bwrap);
  if (probe.usable) return bwrap;
  if (mode === "bwrap") {
    throw new ToolError(
      `THREADWORK_SANDBOX=bwrap but bubblewrap cannot run here: ${probe.reason ?? "unknown"}`,
    );
  }
  return undefined;
}

function missingBubblewrap(): ToolError {
  return new ToolError(
    "THREADWORK_SANDBOX=bwrap but bubblewrap (bwrap) is not installed on this machine; install it or set THREADWORK_SANDBOX=auto",
  );
}

/**
 * Wraps `bash -c <command>` in bubblewrap when asked to and available: no network, the
 * host read-only, only the workspace and the temporary home writable, and the data
 * directory (other agents' workspaces, the mirrors) hidden behind an empty tmpfs.
 * The workspace's `.git` stays read-only: a command cannot plant hooks or config
 * (filters, fsmonitor) that git would run later outside the sandbox for the commit tool.
 */
export function planSandboxedShell(options: {
  mode: SandboxMode;
  command: string;
  workspaceRoot: string;
  home: string;
  hiddenPaths?: string[];
  /** Stay read-only even inside the workspace, e.g. its `.git`. Must exist. */
  readOnlyPaths?: string[];
  bwrapPath?: string | undefined;
  /** Where to look for bwrap; defaults to PATH. */
  searchPath?: string;
}): SandboxPlan {
  const shellArgs = ["-c", options.command];
  if (options.mode === "off") return { kind: "none", command: "bash", args: shellArgs };
  const bwrap = options.bwrapPath ?? findExecutable("bwrap", options.searchPath);
  if (!bwrap) {
    if (options.mode === "bwrap") throw missingBubblewrap();
    return { kind: "none", command: "bash", args: shellArgs };
  }
  const hidden = (options.hiddenPaths ?? []).flatMap((path) => ["--tmpfs", path]);
  return {
    kind: "bwrap",
    command: bwrap,
    args: [
      "--unshare-all",
      "--die-with-parent",
      "--new-session",
      "--ro-bind",
      "/",
      "/",
      "--dev",
      "/dev",
      "--proc",
      "/proc",
      "--tmpfs",
      "/tmp",
      ...hidden,
      "--bind",
      options.workspaceRoot,
      options.workspaceRoot,
      "--bind",
      options.home,
      options.home,
      ...(options.readOnlyPaths ?? []).flatMap((path) => ["--ro-bind", path, path]),
      "--chdir",
      options.workspaceRoot,
      "bash",
      ...shellArgs,
    ],
  };
}
