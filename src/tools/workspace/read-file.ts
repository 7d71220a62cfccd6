import { constants } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { z } from "zod";
import { ToolError } from "../../domain/errors.ts";
import { defineTool } from "../../domain/tool.ts";
import { resolveInsideWorkspace } from "./resolve-inside-workspace.ts";
import { type ResolvedToolOptions, requireWorkspace } from "./workspace-tool-options.ts";

const maxFileBytes = 20 * 1024 * 1024;
const maxLineCharacters = 2000;
// Non-blocking, so a FIFO cannot hang the open; no following a symlink swapped in after the check.
const openFlags = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;

export function readFileTool(options: ResolvedToolOptions) {
  return defineTool({
    name: "read_file",
    description:
      "Read a text file, with line numbers. `offset` is the first line (1-based), `limit` the number of " +
      `lines (at most ${options.maxReadLines}, and at most ${Math.round(options.maxReadBytes / 1000)} KB per call). ` +
      "Long lines are cut; the result says how to read on.",
    input: z.object({
      path: z.string(),
      offset: z.number().int().min(1).optional(),
      limit: z.number().int().min(1).optional(),
    }),
    risk: "safe",
    async execute(input, context) {
      const workspace = requireWorkspace(context);
      const resolved = await resolveInsideWorkspace(workspace.root, input.path);
      if (resolved.real === undefined) throw new ToolError(`No such file: "${input.path}".`);
      context.signal.throwIfAborted();
      const content = await readRegularFile(resolved.real, input.path, context.signal);
      if (content.subarray(0, 8000).includes(0)) {
        throw new ToolError(`"${input.path}" looks like a binary file (${content.length} bytes).`);
      }
      if (content.length === 0) return "(empty file)";
      const lines = content.toString("utf8").split("\n");
      if (lines.at(-1) === "") lines.pop();
      const first = input.offset ?? 1;
      if (first > lines.length) {
        throw new ToolError(`offset ${first} is past the end of "${input.path}" (${lines.length} lines).`);
      }
      const count = Math.min(input.limit ?? options.maxReadLines, options.maxReadLines);
      const width = Math.max(String(Math.min(first + count - 1, lines.length)).length, 4);
      const shown: string[] = [];
      let bytes = 0;
      for (const line of lines.slice(first - 1, first - 1 + count)) {
        const cut = line.length > maxLineCharacters ? `${line.slice(0, maxLineCharacters)} [line cut]` : line;
        const numbered = `${String(first + shown.length).padStart(width)}\t${cut}`;
        bytes += Buffer.byteLength(numbered) + 1;
        if (shown.length > 0 && bytes > options.maxReadBytes) break;
        shown.push(numbered);
      }
      const last = first + shown.length - 1;
      const remaining = lines.length - last;
      if (remaining <= 0) return shown.join("\n");
      return `${shown.join("\n")}\n(showing lines ${first}-${last} of ${lines.length}; ${remaining} more lines: continue with offset=${last + 1})`;
    },
  });
}

/** Opens without blocking and checks the opened file itself, so nothing can be swapped in between. */
async function readRegularFile(path: string, shownPath: string, signal: AbortSignal): Promise<Buffer> {
  let handle: FileHandle;
  try {
    handle = await open(path, openFlags);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP")
      throw new ToolError(`"${shownPath}" changed into a symlink while opening; try again.`);
    throw new ToolError(`Cannot open "${shownPath}" (${code ?? "error"}).`);
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new ToolError(`"${shownPath}" is a directory; use list_files.`);
    if (!info.isFile()) {
      throw new ToolError(
        `"${shownPath}" is not a regular file (${fileKind(info)}); read_file reads only regular files.`,
      );
    }
    if (info.size > maxFileBytes) {
      throw new ToolError(`"${shownPath}" is ${info.size} bytes, too large to read; use search instead.`);
    }
    return await handle.readFile({ signal });
  } finally {
    await handle.close();
  }
}

function fileKind(info: {
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (info.isFIFO()) return "a named pipe";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  return "a special file";
}
