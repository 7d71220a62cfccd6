import { existsSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { runProcess } from "../../adapters/process/run-process.ts";
import { planSandboxedShell, resolveBubblewrap } from "../../adapters/process/sandbox.ts";
import { scrubbedEnvironment } from "../../adapters/process/scrubbed-environment.ts";
import { ToolError } from "../../domain/errors.ts";
import { defineTool } from "../../domain/tool.ts";
import { isAllowedCommand, normalizeCommand } from "./command-allow-list.ts";
import { ensureHome, type ResolvedToolOptions, requireWorkspace } from "./workspace-tool-options.ts";

export function runCommandTool(options: ResolvedToolOptions) {
  return defineTool({
    name: "run_command",
    description:
      "Run a shell command (bash -c) in the workspace root, e.g. tests or a build. " +
      `Timeout ${options.defaultTimeoutSeconds} s by default (timeout_s, at most ${options.maxTimeoutSeconds}). ` +
      "The environment is minimal (no tokens); the network may be unavailable and .git read-only (use the commit tool). Output is capped, keeping " +
      "the start and the end. Background processes are killed when the command exits.",
    input: z.object({
      command: z.string().min(1),
      timeout_s: z.number().positive().optional(),
    }),
    risk: (input) => (isAllowedCommand(input.command, options.allowCommands) ? "safe" : "risky"),
    describe: (input) => `run \`${normalizeCommand(input.command)}\``,
    async execute(input, context) {
      const workspace = requireWorkspace(context);
      const timeoutSeconds = Math.min(
        input.timeout_s ?? options.defaultTimeoutSeconds,
        options.maxTimeoutSeconds,
      );
      const home = await ensureHome(options.homeDirectory(workspace));
      const gitDirectory = join(workspace.root, ".git");
      const bwrapPath = await resolveBubblewrap(options.sandbox);
      const plan = planSandboxedShell({
        mode: bwrapPath ? options.sandbox : "off",
        bwrapPath,
        command: input.command,
        workspaceRoot: workspace.root,
        home,
        hiddenPaths: options.hiddenPaths,
        readOnlyPaths: existsSync(gitDirectory) ? [gitDirectory] : [],
      });
      const result = await runProcess({
        command: plan.command,
        args: plan.args,
        cwd: workspace.root,
        env: scrubbedEnvironment({ home }),
        timeoutMs: timeoutSeconds * 1000,
        signal: context.signal,
        maxOutputBytes: options.maxOutputBytes,
        mergeOutput: true,
      }).catch((error: unknown) => {
        throw new ToolError(
          `Could not start the command: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
      const seconds = (result.durationMs / 1000).toFixed(2);
      let status: string;
      if (result.timedOut)
        status = `timed out after ${timeoutSeconds} s; the command and its children were killed`;
      else if (result.aborted) status = "cancelled; the command and its children were killed";
      else if (result.exitCode === null) status = `killed by ${result.signal ?? "a signal"}`;
      else status = `exit code ${result.exitCode}`;
      const sandbox = plan.kind === "bwrap" ? ", sandboxed" : "";
      const output = result.stdout.trimEnd();
      return `[${status}, ${seconds} s${sandbox}]\n${output === "" ? "(no output)" : output}`;
    },
  });
}
