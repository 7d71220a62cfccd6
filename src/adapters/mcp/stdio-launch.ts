import { accessSync, constants, existsSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { findExecutable } from "../process/find-executable.ts";
import { commandRuntime } from "../process/node-runtime.ts";
import { isInsideAny, systemVisible } from "../process/sandbox-mounts.ts";
import type { SandboxStatus } from "../process/sandbox-probe.ts";
import { planSandboxedServer } from "../process/sandboxed-server.ts";
import { ServerSetupError } from "./server-setup-error.ts";

/** What one start of a stdio server runs: the command, its environment and where. */
export interface StdioLaunch {
  command: string;
  args: string[];
  environment: Record<string, string>;
  cwd: string;
  /** Removes what the start made on the host (the home of a server run without the sandbox). */
  cleanup(): void;
}

interface StdioLaunchOptions {
  command: string;
  args: string[];
  /** The configured environment, resolved: with PATH and HOME, all the server gets. */
  environment: Record<string, string>;
  readOnlyPaths: string[];
  network: boolean;
  workspaceRoot: string | undefined;
  sandbox: SandboxStatus;
  searchPath: string;
  /** Nothing inside it is ever shown, even when a configured path contains it. */
  dataDir: string;
  /** Hidden too, but a configured path inside one may be shown (the app's node_modules). */
  hiddenPaths: string[];
}

const sandboxHome = "/tmp/home";
const sandboxTemporaryBytes = 256 * 1024 * 1024;

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function executable(command: string, path: string): string {
  if (isAbsolute(command)) {
    try {
      accessSync(command, constants.X_OK);
    } catch {
      throw new ServerSetupError(`its command ${command} is not an executable file`);
    }
    return command;
  }
  if (command.includes("/"))
    throw new ServerSetupError(`its command ${command} must be a name or an absolute path`);
  const found = findExecutable(command, path);
  if (found === undefined) throw new ServerSetupError(`its command ${command} is not found on the PATH`);
  return found;
}

function checkedReadOnlyPaths(paths: string[], dataDir: string): string[] {
  const data = realPath(dataDir);
  for (const path of paths) {
    if (!isAbsolute(path)) throw new ServerSetupError(`its read-only path ${path} is not absolute`);
    if (!existsSync(path)) throw new ServerSetupError(`its read-only path ${path} does not exist`);
    if (isInsideAny(realPath(path), [data])) {
      throw new ServerSetupError(
        `its read-only path ${path} lies inside the data directory, which servers never see`,
      );
    }
  }
  return paths;
}

/**
 * How a stdio server starts for one agent: inside bubblewrap when the sandbox is active (see
 * `planSandboxedServer`), directly when it is off, not at all when it is required but
 * unusable. It runs on Threadwork's Node, first on its PATH, and gets only its configured
 * environment plus PATH and HOME.
 */
export function stdioLaunch(options: StdioLaunchOptions): StdioLaunch {
  if (options.sandbox.state === "unavailable") {
    throw new ServerSetupError(
      `stdio servers run only in the command sandbox, which is unavailable: ${options.sandbox.reason}`,
    );
  }
  const sandboxed = options.sandbox.state === "active";
  const hiddenPaths = [options.dataDir, ...options.hiddenPaths];
  let runtime: ReturnType<typeof commandRuntime>;
  try {
    runtime = commandRuntime("threadwork", { searchPath: options.searchPath, sandboxed, hiddenPaths });
  } catch (error) {
    throw new ServerSetupError(error instanceof Error ? error.message : String(error));
  }
  const command = executable(options.command, runtime.path);
  const readOnlyPaths = checkedReadOnlyPaths(options.readOnlyPaths, options.dataDir);
  if (options.sandbox.state !== "active") {
    const home = mkdtempSync(join(tmpdir(), "threadwork-mcp-home-"));
    return {
      command,
      args: options.args,
      environment: { PATH: runtime.path, HOME: home, ...options.environment },
      cwd: options.workspaceRoot ?? home,
      cleanup: () => rmSync(home, { recursive: true, force: true }),
    };
  }
  const real = realPath(command);
  const shown = [
    ...readOnlyPaths.map(realPath),
    ...(options.workspaceRoot === undefined ? [] : [realPath(options.workspaceRoot)]),
    ...(runtime.node === undefined ? [] : [dirname(runtime.node)]),
  ];
  if (!systemVisible(real) && !isInsideAny(real, shown)) {
    throw new ServerSetupError(
      `its command ${command} is not visible inside the sandbox: add its directory to readOnlyPaths`,
    );
  }
  const plan = planSandboxedServer({
    bwrapPath: options.sandbox.bwrapPath,
    command,
    args: options.args,
    ...(options.workspaceRoot === undefined ? {} : { workspaceRoot: options.workspaceRoot }),
    readOnlyPaths,
    hiddenPaths,
    runtimeMounts: runtime.mountArguments,
    network: options.network,
    home: sandboxHome,
    temporaryBytes: sandboxTemporaryBytes,
  });
  return {
    command: plan.command,
    args: plan.args,
    environment: { PATH: runtime.path, HOME: sandboxHome, ...options.environment },
    cwd: "/",
    cleanup: () => {},
  };
}
