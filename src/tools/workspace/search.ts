import { z } from "zod";
import { runGit } from "../../adapters/git/git-command.ts";
import { resolveInsideWorkspace } from "../../adapters/workspace/resolve-inside-workspace.ts";
import {
  type ResolvedToolOptions,
  requireWorkspace,
} from "../../adapters/workspace/workspace-tool-options.ts";
import { ToolError } from "../../domain/errors.ts";
import { defineTool } from "../../domain/tool.ts";

const maxLineCharacters = 300;

/**
 * `git grep` in a child process with a timeout: a pathological regex costs a killed
 * child, never a blocked event loop. Perl-compatible syntax where git has PCRE.
 */
export function searchTool(options: ResolvedToolOptions) {
  return defineTool({
    name: "search",
    description:
      "Search file contents with a regular expression (Perl-compatible: \\d, \\s, \\b, (?i) work). " +
      "Searches tracked and untracked files, skipping .git, ignored and binary files. `path` narrows to a " +
      "directory or file; `glob` filters file names, e.g. `*.ts` or `src/**/*.test.ts`. Output: path:line:text.",
    input: z.object({
      pattern: z.string().min(1),
      path: z.string().optional(),
      glob: z.string().optional(),
    }),
    risk: "safe",
    async execute(input, context) {
      const workspace = requireWorkspace(context);
      const target = await resolveInsideWorkspace(workspace.root, input.path ?? ".");
      const base = target.relative === "." ? "" : `${target.relative}/`;
      // :(literal) so a path like ":(exclude)x" is a name, not pathspec magic.
      let pathspec = target.relative === "." ? "." : `:(literal)${target.relative}`;
      if (input.glob) {
        pathspec = input.glob.includes("/")
          ? `:(glob)${base}${input.glob}`
          : `:(glob)${base}**/${input.glob}`;
      }
      const run = (syntax: "-P" | "-E") =>
        runGit(
          [
            "grep",
            "-n",
            "-I",
            "--untracked",
            "--no-color",
            "--full-name",
            syntax,
            "-e",
            input.pattern,
            "--",
            pathspec,
          ],
          {
            cwd: workspace.root,
            allowFailure: true,
            timeoutMs: 30_000,
            maxOutputBytes: 1_000_000,
            ...(context.signal ? { signal: context.signal } : {}),
          },
        );
      let result = await run("-P");
      if (result.exitCode > 1 && /not compiled with|USE_LIBPCRE/i.test(result.stderr))
        result = await run("-E");
      if (result.exitCode === 1) return "No matches.";
      if (result.exitCode !== 0) {
        throw new ToolError(`search failed: ${result.stderr.trim().split("\n")[0] ?? "invalid pattern"}`);
      }
      const lines: string[] = [];
      for (const line of result.stdout.split("\n")) {
        if (line === "" || line.startsWith("[... ")) break;
        lines.push(line.length > maxLineCharacters ? `${line.slice(0, maxLineCharacters)} [cut]` : line);
      }
      const shown = lines.slice(0, options.maxSearchMatches);
      return lines.length > shown.length
        ? `${shown.join("\n")}\n... more matches not shown (narrow with path, glob or a tighter pattern)`
        : shown.join("\n");
    },
  });
}
