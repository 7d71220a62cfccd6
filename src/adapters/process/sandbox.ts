import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { ToolError } from "../../domain/errors.ts";

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
    if (options.mode === "bwrap") {
      throw new ToolError(
        "THREADWORK_SANDBOX=bwrap but bubblewrap (bwrap) is not installed on this machine; install it or set THREADWORK_SANDBOX=auto",
      );
    }
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
