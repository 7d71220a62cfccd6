import { ToolError } from "../../domain/errors.ts";
import type { Workspace } from "../../domain/tool.ts";
import { readSetupLayers } from "../environment/setup-layers.ts";
import { detectSandbox } from "../process/sandbox-probe.ts";
import { maxFileBytes } from "./regular-file.ts";
import { runWorkspaceCommand } from "./workspace-command.ts";
import type { ResolvedToolOptions } from "./workspace-tool-options.ts";

/**
 * The restored setup layer a workspace path lies in (its first segment is the layer's name,
 * e.g. `node_modules`), or undefined. Such a path exists only for commands: the layer is
 * mounted in each command's sandbox, and the host holds an empty mount point.
 */
export async function restoredLayerName(root: string, relativePath: string): Promise<string | undefined> {
  const first = relativePath.split("/")[0];
  const layers = await readSetupLayers(root);
  return layers.some((layer) => layer.target === `${root}/${first}`) ? first : undefined;
}

function shellQuoted(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

const exitCodes = { directory: 3, missing: 4, large: 5, outside: 6 } as const;

/**
 * A file of a restored layer as commands see it, read by a command in the workspace's own
 * sandbox (the service never opens the layer's paths itself): the same tree, the same view
 * of symlinks, no privilege of the service's. At most 20 MiB, like any file the tools read.
 */
export async function readLayeredFile(
  options: ResolvedToolOptions,
  workspace: Workspace,
  relativePath: string,
  shownPath: string,
  signal: AbortSignal,
): Promise<Buffer> {
  const sandbox = await detectSandbox(options.sandbox, options.sandboxSearchPath);
  if (sandbox.state !== "active")
    throw new ToolError(
      `"${shownPath}" is in a restored setup layer, which only sandboxed commands can read.`,
    );
  const path = shellQuoted(`./${relativePath}`);
  // Confined as every path the tools take: a symlink whose target leaves the workspace is refused.
  const command =
    `real=$(realpath -e -- ${path} 2>/dev/null) || exit ${exitCodes.missing}; ` +
    `case "$real" in "$PWD"/*) ;; *) exit ${exitCodes.outside};; esac; ` +
    `if [ -d ${path} ]; then exit ${exitCodes.directory}; fi; if [ ! -f ${path} ]; then exit ${exitCodes.missing}; fi; ` +
    `if [ "$(stat -L -c %s -- ${path})" -gt ${maxFileBytes} ]; then exit ${exitCodes.large}; fi; base64 -w0 -- ${path}`;
  const ran = await runWorkspaceCommand(options, sandbox, workspace, {
    command,
    network: false,
    timeoutSeconds: 60,
    signal,
    maxOutputBytes: Math.ceil((maxFileBytes * 4) / 3) + 1024,
    unwatched: true,
  });
  const code = ran.process.exitCode;
  if (code === exitCodes.directory)
    throw new ToolError(`"${shownPath}" is a directory; use run_command to list it.`);
  if (code === exitCodes.missing) throw new ToolError(`No such file: "${shownPath}".`);
  if (code === exitCodes.outside)
    throw new ToolError(`The path "${shownPath}" goes through a symlink that leads outside the workspace.`);
  if (code === exitCodes.large)
    throw new ToolError(`"${shownPath}" is too large to read; use search instead.`);
  if (code !== 0) throw new ToolError(`"${shownPath}" could not be read (${ran.status}).`);
  return Buffer.from(ran.process.stdout.trim(), "base64");
}

/** Writes and edits go through commands, which see the layer: the file tools would write beside it. */
export function refuseLayeredWrite(shownPath: string, layer: string): never {
  throw new ToolError(
    `"${shownPath}" is in ${layer}, restored from the setup cache and mounted for commands only; change it with run_command.`,
  );
}
