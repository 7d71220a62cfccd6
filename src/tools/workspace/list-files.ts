import { matchesGlob, posix } from "node:path";
import { z } from "zod";
import { listWorkingFiles } from "../../adapters/git/working-copy.ts";
import { resolveInsideWorkspace } from "../../adapters/workspace/resolve-inside-workspace.ts";
import {
  type ResolvedToolOptions,
  requireWorkspace,
} from "../../adapters/workspace/workspace-tool-options.ts";
import { defineTool } from "../../domain/tool.ts";

export function listFilesTool(options: ResolvedToolOptions) {
  return defineTool({
    name: "list_files",
    description:
      "List files in the workspace (tracked and untracked, .gitignore respected), relative to the root. " +
      "`path` narrows to a directory; `glob` filters relative to that directory, e.g. `**/*.ts`; " +
      "a glob without `/` matches file names at any depth.",
    input: z.object({
      path: z.string().optional().describe("Directory relative to the workspace root"),
      glob: z.string().optional().describe("Glob such as **/*.test.ts"),
    }),
    risk: "safe",
    async execute(input, context) {
      const workspace = requireWorkspace(context);
      const directory = await resolveInsideWorkspace(workspace.root, input.path ?? ".");
      const glob = input.glob;
      const prefix = directory.relative === "." ? "" : `${directory.relative}/`;
      const matches = (file: string) => {
        if (!glob) return true;
        const inside = file.startsWith(prefix) ? file.slice(prefix.length) : file;
        return matchesGlob(inside, glob) || (!glob.includes("/") && matchesGlob(posix.basename(file), glob));
      };
      const { files, cutAfter } = await listWorkingFiles(workspace.root, directory.relative, matches);
      const cut =
        cutAfter === undefined
          ? ""
          : `\n[listing stopped after ${cutAfter.toLocaleString("en-US")} files; narrow with path or glob]`;
      if (files.length === 0) return `No files found.${cut}`;
      files.sort();
      const shown = files.slice(0, options.maxListEntries);
      const more = files.length - shown.length;
      return more > 0
        ? `${shown.join("\n")}\n... and ${more} more files (narrow with path or glob)${cut}`
        : `${shown.join("\n")}${cut}`;
    },
  });
}
