import { existsSync } from "node:fs";
import type { NodeSetting } from "../../config/config-file-schema.ts";
import { type CommandLimits, limitedShellArguments } from "./command-limits.ts";
import { commandRuntime } from "./node-runtime.ts";
import { type OverlayLayer, ownIdentityArguments, withOverlayLayers } from "./overlay-layers.ts";
import {
  deviceArguments,
  hiddenPathArguments,
  isolationArguments,
  resolverMountArguments,
  systemMountArguments,
} from "./sandbox-mounts.ts";

interface SandboxPlan {
  /** What actually runs: `bwrap`, or `bash` directly when the sandbox is off. */
  kind: "bwrap" | "none";
  command: string;
  args: string[];
  /** PATH for the child: the chosen Node's directory first; inside the sandbox, only directories that exist there. */
  path: string;
}

interface ShellPlanOptions {
  command: string;
  limits: CommandLimits;
  workspaceRoot: string;
  home: string;
  /** Mounted as /tmp: on disk beside the workspace, counted in its quota, never host RAM. */
  temporaryDirectory: string;
  /** Stay read-only even inside the workspace, e.g. its `.git`. Must exist. */
  readOnlyPaths?: string[];
  /** Hidden if a mounted system directory contains them, e.g. a data directory under /opt. */
  hiddenPaths?: string[];
  /** The service's PATH; the child's is filtered from it. */
  searchPath: string;
  /** The repository's `node` setting; default `threadwork` (see `commandRuntime`). */
  node?: NodeSetting;
  /** Undefined runs plain bash: THREADWORK_SANDBOX=off. */
  bwrapPath: string | undefined;
  /**
   * Keep the host's network (environment setup, or a repository whose policy is `on`). It is
   * the host's whole network, loopback included: see docs/sandbox.md.
   */
  network?: boolean;
  /** Restored setup layers mounted over the workspace (with bwrap only), by `unsharePath`. */
  layers?: readonly OverlayLayer[];
  unsharePath?: string;
}

/**
 * `bash -c <command>` under the limits, inside bubblewrap when a bwrap path is given, on the
 * repository's Node (throws `NodeRuntimeError` when it has none).
 * The sandbox is an allow list: the toolchain directories read-only (credential files
 * masked), the chosen Node's own package, the workspace and the temporary home read-write, a
 * private on-disk /tmp, fresh /dev and /proc. No /run, /var, /home, /root, data directory,
 * other workspace, mirror or app directory exists inside. Every namespace is new (no
 * network, no view of the service's processes), capabilities are dropped, and the
 * command dies with its parent. The workspace's `.git` stays read-only: a command cannot
 * plant hooks or config that git would run later outside the sandbox. With `network`, the
 * network namespace alone is shared, and the resolver's configuration is mounted.
 */
export function planSandboxedShell(options: ShellPlanOptions): SandboxPlan {
  const shell = limitedShellArguments(options.command, options.limits);
  const runtime = commandRuntime(options.node ?? "threadwork", {
    searchPath: options.searchPath,
    sandboxed: options.bwrapPath !== undefined,
    hiddenPaths: options.hiddenPaths ?? [],
  });
  if (options.bwrapPath === undefined) {
    return { kind: "none", command: "bash", args: shell, path: runtime.path };
  }
  const readOnly = (options.readOnlyPaths ?? []).filter((path) => existsSync(path));
  const hidden = hiddenPathArguments(options.hiddenPaths ?? []);
  const layers = options.layers ?? [];
  const layered = layers.length > 0 && options.unsharePath !== undefined;
  const args = [
    ...isolationArguments,
    ...(layered ? ownIdentityArguments() : []),
    ...(options.network ? ["--share-net"] : []),
    ...systemMountArguments(),
    ...(options.network ? resolverMountArguments() : []),
    ...hidden.cover,
    ...deviceArguments(),
    "--proc",
    "/proc",
    // Before the workspace and home: they may lie under the host's /tmp.
    "--bind",
    options.temporaryDirectory,
    "/tmp",
    "--bind",
    options.workspaceRoot,
    options.workspaceRoot,
    "--bind",
    options.home,
    options.home,
    // After /tmp is bound: a Node under the host's /tmp would be hidden by the private one.
    ...runtime.mountArguments,
    ...readOnly.flatMap((path) => ["--ro-bind", path, path]),
    ...hidden.seal,
    "--chdir",
    options.workspaceRoot,
    "bash",
    ...shell,
  ];
  if (!layered) return { kind: "bwrap", command: options.bwrapPath, path: runtime.path, args };
  // The workspace bind is recursive: the layers mounted over it before bwrap starts come along.
  const wrapped = withOverlayLayers(options.unsharePath as string, layers, options.bwrapPath, args);
  return { kind: "bwrap", command: wrapped.command, path: runtime.path, args: wrapped.args };
}
