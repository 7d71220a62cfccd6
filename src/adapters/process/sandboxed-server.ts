import { existsSync, realpathSync } from "node:fs";
import { join, relative } from "node:path";
import {
  deviceArguments,
  isInsideAny,
  isolationArguments,
  resolverMountArguments,
  systemMountArguments,
  systemVisible,
} from "./sandbox-mounts.ts";

interface ServerPlanOptions {
  bwrapPath: string;
  /** The server's executable, absolute, and its arguments. */
  command: string;
  args: string[];
  /** The agent's working copy, mounted read-write at its own path (its `.git` read-only). */
  workspaceRoot?: string;
  /** Host paths shown read-only at their own path (symlinks are followed to what they name). */
  readOnlyPaths: string[];
  /** Never visible, even inside a read-only path: the data directory, the app directory. */
  hiddenPaths: string[];
  /** bwrap arguments that mount the Node the server runs on (see `commandRuntime`). */
  runtimeMounts: string[];
  network: boolean;
  /** The server's HOME inside the sandbox: a directory of its private /tmp. */
  home: string;
  /** Bytes of the private /tmp (tmpfs, host RAM). */
  temporaryBytes: number;
}

interface ServerPlan {
  command: string;
  args: string[];
}

const temporaryRoot = "/tmp";
/** Never covered, nor any ancestor of them: that would take the toolchain away. */
const toolchainDirectories = ["/usr", "/bin", "/lib", "/etc"];

interface Mount {
  /** Where it appears inside the sandbox. */
  path: string;
  /** What it shows: a real host path. */
  source: string;
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * Where a hidden directory would show inside the sandbox: at its own path through the system
 * mounts, and below every read-only path that contains it.
 */
function hiddenPlaces(hidden: string, mounts: Mount[]): string[] {
  const real = realPath(hidden);
  const places = new Set<string>();
  if (systemVisible(real)) places.add(real);
  for (const mount of mounts) {
    if (isInsideAny(real, [mount.source])) places.add(join(mount.path, relative(mount.source, real)));
  }
  return [...places];
}

/**
 * `bwrap … command args` for a stdio MCP server. An allow list like `planSandboxedShell`: the
 * toolchain directories read-only (credential files masked), the configured read-only paths,
 * the Node it runs on, the agent's workspace read-write, a private /tmp holding its HOME, fresh
 * /dev and /proc, new namespaces (no network unless `network`), no capabilities, and it dies
 * with its parent. The data directory is covered by an empty read-only tmpfs wherever a mount
 * would show it, so a server configured with a wide root still cannot read it.
 */
export function planSandboxedServer(options: ServerPlanOptions): ServerPlan {
  const hiddenReal = options.hiddenPaths.filter((path) => existsSync(path)).map(realPath);
  const readOnly: Mount[] = options.readOnlyPaths.map((path) => ({ path, source: realPath(path) }));
  // Bound before the system mounts, so a wide path ("/") cannot unmask /etc/shadow; those under
  // /tmp after the private /tmp; those inside a hidden directory after it is covered.
  const insideHidden = (mount: Mount) => isInsideAny(mount.source, hiddenReal);
  const underTemporary = (mount: Mount) => isInsideAny(mount.path, [temporaryRoot]);
  const bind = (mount: Mount) => ["--ro-bind", mount.source, mount.path];
  const early = readOnly.filter((mount) => !insideHidden(mount) && !underTemporary(mount));
  const temporary = readOnly.filter((mount) => !insideHidden(mount) && underTemporary(mount));
  const late = readOnly.filter(insideHidden);
  const covers = [
    ...new Set(
      options.hiddenPaths.filter((path) => existsSync(path)).flatMap((path) => hiddenPlaces(path, readOnly)),
    ),
  ].filter((place) => !toolchainDirectories.some((directory) => isInsideAny(directory, [place])));
  const workspace = options.workspaceRoot;
  const gitDirectory = workspace === undefined ? undefined : join(workspace, ".git");
  return {
    command: options.bwrapPath,
    args: [
      ...isolationArguments,
      ...(options.network ? ["--share-net"] : []),
      ...early.flatMap(bind),
      ...systemMountArguments(),
      ...(options.network ? resolverMountArguments() : []),
      ...deviceArguments(),
      "--proc",
      "/proc",
      "--size",
      String(options.temporaryBytes),
      "--tmpfs",
      temporaryRoot,
      "--dir",
      options.home,
      ...temporary.flatMap(bind),
      ...covers.flatMap((place) => ["--tmpfs", place]),
      ...late.flatMap(bind),
      ...(workspace === undefined ? [] : ["--bind", workspace, workspace]),
      ...(gitDirectory !== undefined && existsSync(gitDirectory)
        ? ["--ro-bind", gitDirectory, gitDirectory]
        : []),
      ...options.runtimeMounts,
      ...covers.flatMap((place) => ["--remount-ro", place]),
      "--chdir",
      workspace ?? options.home,
      "--",
      options.command,
      ...options.args,
    ],
  };
}
