import { constants } from "node:fs";
import { mkdir, open, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { ToolError } from "../../domain/errors.ts";
import { defineTool } from "../../domain/tool.ts";
import { resolveInsideWorkspace } from "./resolve-inside-workspace.ts";
import { requireWorkspace } from "./workspace-tool-options.ts";

/** Writes through an already-confined path; O_NOFOLLOW stops a symlink swapped in meanwhile. */
export async function writeConfinedFile(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const handle = await open(
    path,
    constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
  );
  try {
    await handle.writeFile(content, "utf8");
  } finally {
    await handle.close();
  }
}

export function writeFileTool() {
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
      const target = resolved.real ?? resolved.absolute;
      if (resolved.real !== undefined && (await stat(resolved.real)).isDirectory()) {
        throw new ToolError(`"${input.path}" is a directory.`);
      }
      await writeConfinedFile(target, input.content);
      const lines = input.content === "" ? 0 : input.content.split("\n").length;
      const verb = resolved.real === undefined ? "Created" : "Overwrote";
      return `${verb} ${resolved.relative} (${lines} lines, ${Buffer.byteLength(input.content)} bytes).`;
    },
  });
}
