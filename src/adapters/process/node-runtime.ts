import { accessSync, constants, realpathSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, dirname, isAbsolute } from "node:path";
import type { NodeSetting } from "../../config/config-file-schema.ts";
import type { NodeRuntimeDescription } from "../../domain/workspaces-port.ts";
import { findExecutable } from "./find-executable.ts";
import { runProcess } from "./run-process.ts";
import { isInsideAny, systemVisible } from "./sandbox-mounts.ts";

interface CommandRuntimeOptions {
  /** The service's PATH; the commands' PATH is built from it. */
  searchPath: string;
  /** Inside bubblewrap only directories of the system mounts exist; with the sandbox off, every one. */
  sandboxed: boolean;
  /** Hidden from sandboxed commands: a Node inside one (the app's node_modules) is mounted on its own. */
  hiddenPaths?: readonly string[];
  /** The Node of `threadwork`; the running one by default. */
  threadworkNode?: string;
}

/** What commands run with: the PATH they get, and the Node it finds first. */
interface CommandRuntime {
  setting: NodeSetting;
  /** The `node` commands find first on `path`, its real path; none only with `system` on a host without one. */
  node: string | undefined;
  path: string;
  /** bwrap arguments mounting Node's directory read-only where the system mounts do not show it. */
  mountArguments: string[];
}

class NodeRuntimeError extends Error {}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The service's PATH as commands get it: absolute directories only, without the `node_modules/.bin`
 * directories npm puts in front when it starts Threadwork (Threadwork's own node, tsc, vitest are
 * no business of a repository's commands), and inside the sandbox only the directories that exist
 * there. The same rule with the sandbox on or off, so a command finds the same programs either way.
 */
function basePath(options: CommandRuntimeOptions): string[] {
  const kept = options.searchPath.split(delimiter).filter((directory) => {
    if (!isAbsolute(directory) || /[\\/]node_modules[\\/]\.bin[\\/]?$/.test(directory)) return false;
    if (!options.sandboxed) return true;
    try {
      return isDirectory(directory) && systemVisible(realpathSync(directory));
    } catch {
      return false;
    }
  });
  return [...new Set(kept)];
}

function executableNode(path: string, what: string): string {
  let real: string;
  try {
    accessSync(path, constants.X_OK);
    real = realpathSync(path);
  } catch {
    throw new NodeRuntimeError(`${what} ${path} is not an executable file`);
  }
  // Commands find it by name: a `node22` would leave whatever `node` comes next in charge.
  if (basename(real) !== "node") {
    throw new NodeRuntimeError(`${what} ${path} is ${real}, which is not named node`);
  }
  return real;
}

/**
 * The Node a repository's commands run on, per its `node` setting, and their PATH. `system` keeps
 * the service's PATH as it is, so the first `node` on it runs. `threadwork` and a path put that
 * Node's own directory first, so `node`, `npx` and an npm that starts with `#!/usr/bin/env node`
 * all run on it whatever else is on the host. Throws `NodeRuntimeError` when that Node does not exist.
 */
export function commandRuntime(setting: NodeSetting, options: CommandRuntimeOptions): CommandRuntime {
  const base = basePath(options);
  if (setting === "system") {
    const found = findExecutable("node", base.join(delimiter));
    const node = found === undefined ? undefined : realpathSync(found);
    return {
      setting,
      node,
      path: base.join(delimiter) || "/usr/bin:/bin",
      mountArguments: node === undefined ? [] : mountFor(node, options),
    };
  }
  const node =
    setting === "threadwork"
      ? executableNode(options.threadworkNode ?? process.execPath, "Threadwork's Node")
      : executableNode(setting, "The configured node");
  const binDirectory = dirname(node);
  const path = [binDirectory, ...base.filter((directory) => directory !== binDirectory)].join(delimiter);
  return { setting, node, path, mountArguments: mountFor(node, options) };
}

/**
 * Node may lie outside the system directories (the app's `node` package in node_modules,
 * nvm's versions in a home directory): then only its package directory is mounted, never
 * what is around it.
 */
function mountFor(node: string, options: CommandRuntimeOptions): string[] {
  if (!options.sandboxed) return [];
  if (systemVisible(node) && !isInsideAny(node, options.hiddenPaths ?? [])) return [];
  const binDirectory = dirname(node);
  const packageDirectory = basename(binDirectory) === "bin" ? dirname(binDirectory) : binDirectory;
  return ["--ro-bind", packageDirectory, packageDirectory];
}

async function versionOf(command: string, path: string): Promise<string> {
  const result = await runProcess({
    command,
    args: ["--version"],
    cwd: "/",
    env: { PATH: path, HOME: tmpdir() },
    timeoutMs: 30_000,
    mergeOutput: true,
    maxOutputBytes: 2000,
  });
  const version = result.stdout.trim().split("\n")[0] ?? "";
  if (result.exitCode !== 0 || version === "") {
    throw new NodeRuntimeError(
      `\`${command} --version\` failed: ${version || `exit code ${result.exitCode}`}`,
    );
  }
  return version;
}

const descriptions = new Map<string, Promise<NodeRuntimeDescription>>();

/**
 * The Node and npm a repository's commands get, with their versions, for a worker's first
 * message and for doctor; or why there is none. Versions are asked once per process.
 */
export function describeCommandRuntime(
  setting: NodeSetting,
  options: CommandRuntimeOptions,
): Promise<NodeRuntimeDescription> {
  let runtime: CommandRuntime;
  try {
    runtime = commandRuntime(setting, options);
  } catch (error) {
    if (error instanceof NodeRuntimeError) return Promise.resolve({ problem: error.message });
    throw error;
  }
  const key = `${runtime.node}\0${runtime.path}`;
  let description = descriptions.get(key);
  if (!description) {
    description = describe(runtime, options.threadworkNode ?? process.execPath);
    descriptions.set(key, description);
    // A node that failed once (a busy machine's timeout) is asked again next time.
    void description.then((described) => "problem" in described && descriptions.delete(key));
  }
  return description;
}

async function describe(runtime: CommandRuntime, threadworkNode: string): Promise<NodeRuntimeDescription> {
  try {
    const { node: path } = runtime;
    const own = path === realpathSync(threadworkNode);
    const node =
      path === undefined
        ? undefined
        : { path, version: own ? process.version : await versionOf(path, runtime.path), own };
    const npmPath = findExecutable("npm", runtime.path);
    const npm = npmPath
      ? {
          path: npmPath,
          version: await versionOf(npmPath, runtime.path).catch(
            (error: unknown) => `unknown (${error instanceof Error ? error.message : String(error)})`,
          ),
        }
      : undefined;
    return { setting: runtime.setting, node, npm };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}
