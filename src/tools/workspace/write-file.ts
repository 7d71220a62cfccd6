import { stat } from "node:fs/promises";
import { z } from "zod";
import { writeConfinedFile } from "../../adapters/workspace/regular-file.ts";
import { resolveInsideWorkspace } from "../../adapters/workspace/resolve-inside-workspace.ts";
import { refuseLayeredWrite, restoredLayerName } from "../../adapters/workspace/setup-layer-files.ts";
import {
  type ResolvedToolOptions,
  requireWorkspace,
} from "../../adapters/workspace/workspace-tool-options.ts";
import { requireWriteRoom } from "../../adapters/workspace/write-limits.ts";
import { ToolError } from "../../domain/errors.ts";
import { defineTool } from "../../domain/tool.ts";

export function writeFileTool(options: ResolvedToolOptions) {
  return defineTool({
    name: "write_file",
    description:
      "Create or overwrite a file in the workspace with `content`. Parent directories are created.",
    input: z.object({ path: z.string(), content: z.string() }),
    risk: "safe",
    describe: (input) => `write ${input.path}`,
    async execute(input, context) {
      const workspace = requireWorkspace(context);
      const resolved = await resolveInsideWorkspace(workspace.root, input.path, { forWrite: true });
      const layered = await restoredLayerName(workspace.root, resolved.relative);
      if (layered) refuseLayeredWrite(input.path, layered);
      const target = resolved.real ?? resolved.absolute;
      const existing = resolved.real === undefined ? undefined : await stat(resolved.real);
      if (existing?.isDirectory()) throw new ToolError(`"${input.path}" is a directory.`);
      const bytes = Buffer.byteLength(input.content);
      await requireWriteRoom(options, workspace, input.path, bytes, existing?.size ?? 0);
      await writeConfinedFile(target, input.content, input.path);
      const lines = input.content === "" ? 0 : input.content.split("\n").length;
      const verb = resolved.real === undefined ? "Created" : "Overwrote";
      return `${verb} ${resolved.relative} (${lines} lines, ${bytes} bytes).`;
    },
  });
}
