import { open, stat } from "node:fs/promises";
import { z } from "zod";
import { ToolError } from "../../domain/errors.ts";
import { defineTool } from "../../domain/tool.ts";
import { resolveInsideWorkspace } from "./resolve-inside-workspace.ts";
import { type ResolvedToolOptions, requireWorkspace } from "./workspace-tool-options.ts";

const maxFileBytes = 20 * 1024 * 1024;
const maxLineCharacters = 2000;

export function readFileTool(options: ResolvedToolOptions) {
  return defineTool({
    name: "read_file",
    description:
      "Read a text file, with line numbers. `offset` is the first line (1-based), `limit` the number of " +
      `lines (at most ${options.maxReadLines}). Long lines are cut.`,
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
      const info = await stat(resolved.real);
      if (info.isDirectory()) throw new ToolError(`"${input.path}" is a directory; use list_files.`);
      if (info.size > maxFileBytes) {
        throw new ToolError(`"${input.path}" is ${info.size} bytes, too large to read; use search instead.`);
      }
      const handle = await open(resolved.real, "r");
      let content: Buffer;
      try {
        content = await handle.readFile();
      } finally {
        await handle.close();
      }
      if (content.subarray(0, 8000).includes(0)) {
        throw new ToolError(`"${input.path}" looks like a binary file (${info.size} bytes).`);
      }
      if (content.length === 0) return "(empty file)";
      const lines = content.toString("utf8").split("\n");
      if (lines.at(-1) === "") lines.pop();
      const first = input.offset ?? 1;
      const count = Math.min(input.limit ?? options.maxReadLines, options.maxReadLines);
      if (first > lines.length) {
        throw new ToolError(`offset ${first} is past the end of "${input.path}" (${lines.length} lines).`);
      }
      const selected = lines.slice(first - 1, first - 1 + count);
      const width = String(first + selected.length - 1).length;
      const body = selected
        .map((line, index) => {
          const cut =
            line.length > maxLineCharacters ? `${line.slice(0, maxLineCharacters)} [line cut]` : line;
          return `${String(first + index).padStart(Math.max(width, 4))}\t${cut}`;
        })
        .join("\n");
      const remaining = lines.length - (first - 1 + selected.length);
      return remaining > 0
        ? `${body}\n(${remaining} more lines; continue with offset=${first + selected.length})`
        : body;
    },
  });
}
