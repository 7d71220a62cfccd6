import { z } from "zod";
import { readRegularFile } from "../../adapters/workspace/regular-file.ts";
import { resolveInsideWorkspace } from "../../adapters/workspace/resolve-inside-workspace.ts";
import { readLayeredFile, restoredLayerName } from "../../adapters/workspace/setup-layer-files.ts";
import {
  type ResolvedToolOptions,
  requireWorkspace,
} from "../../adapters/workspace/workspace-tool-options.ts";
import { ToolError } from "../../domain/errors.ts";
import { defineTool } from "../../domain/tool.ts";

const maxLineCharacters = 2000;

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
      // A restored setup layer (node_modules) is mounted for commands only: read as they see it.
      const layered = await restoredLayerName(workspace.root, resolved.relative);
      let content: Buffer;
      if (layered)
        content = await readLayeredFile(options, workspace, resolved.relative, input.path, context.signal);
      else if (resolved.real === undefined) throw new ToolError(`No such file: "${input.path}".`);
      else {
        context.signal.throwIfAborted();
        content = await readRegularFile(resolved.real, input.path, context.signal);
      }
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
