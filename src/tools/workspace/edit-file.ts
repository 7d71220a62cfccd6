import { z } from "zod";
import { readRegularFile, writeConfinedFile } from "../../adapters/workspace/regular-file.ts";
import { resolveInsideWorkspace } from "../../adapters/workspace/resolve-inside-workspace.ts";
import { refuseLayeredWrite, restoredLayerName } from "../../adapters/workspace/setup-layer-files.ts";
import {
  type ResolvedToolOptions,
  requireWorkspace,
} from "../../adapters/workspace/workspace-tool-options.ts";
import { requireWriteRoom } from "../../adapters/workspace/write-limits.ts";
import { ToolError } from "../../domain/errors.ts";
import { defineTool } from "../../domain/tool.ts";

/** Non-overlapping occurrences, counted without building an array of the pieces. */
function countOccurrences(text: string, part: string): number {
  let count = 0;
  for (let index = text.indexOf(part); index !== -1; index = text.indexOf(part, index + part.length)) {
    count += 1;
  }
  return count;
}

export function editFileTool(options: ResolvedToolOptions) {
  return defineTool({
    name: "edit_file",
    description:
      "Replace exact text in a file. `old` must occur exactly once unless `replace_all` is true; " +
      "include enough surrounding lines to make it unique. Whitespace and indentation must match.",
    input: z.object({
      path: z.string(),
      old: z.string(),
      new: z.string(),
      replace_all: z.boolean().optional(),
    }),
    risk: "safe",
    describe: (input) => `edit ${input.path}`,
    async execute(input, context) {
      const workspace = requireWorkspace(context);
      const resolved = await resolveInsideWorkspace(workspace.root, input.path, { forWrite: true });
      const layered = await restoredLayerName(workspace.root, resolved.relative);
      if (layered) refuseLayeredWrite(input.path, layered);
      if (resolved.real === undefined) {
        throw new ToolError(`No such file: "${input.path}". Use write_file to create it.`);
      }
      if (input.old === "")
        throw new ToolError("`old` must not be empty; use write_file to write a whole file.");
      if (input.old === input.new) throw new ToolError("`old` and `new` are the same; nothing to change.");
      const content = (await readRegularFile(resolved.real, input.path, context.signal)).toString("utf8");
      const occurrences = countOccurrences(content, input.old);
      if (occurrences === 0) {
        throw new ToolError(
          `The text to replace was not found in "${input.path}". Read the file again and copy the text exactly.`,
        );
      }
      if (occurrences > 1 && !input.replace_all) {
        throw new ToolError(
          `The text to replace occurs ${occurrences} times in "${input.path}". Add surrounding lines to make it unique, or set replace_all.`,
        );
      }
      const replaced = input.replace_all ? occurrences : 1;
      const previous = Buffer.byteLength(content);
      const bytes = previous + replaced * (Buffer.byteLength(input.new) - Buffer.byteLength(input.old));
      await requireWriteRoom(options, workspace, input.path, bytes, previous);
      // A function replacement: `$&` and friends in `new` must stay literal.
      const updated = input.replace_all
        ? content.replaceAll(input.old, () => input.new)
        : content.replace(input.old, () => input.new);
      await writeConfinedFile(resolved.real, updated, input.path);
      return `Replaced ${input.replace_all ? occurrences : 1} occurrence${occurrences === 1 || !input.replace_all ? "" : "s"} in ${resolved.relative}.`;
    },
  });
}
