import { detectSandbox } from "../../adapters/process/sandbox-probe.ts";
import type { RepositoryConfig } from "../../config/repository-config.ts";
import { type CheckOutcome, checkSummaryCharacters, tailOf } from "../../domain/environment.ts";
import { redactSecrets } from "../../domain/secret-redaction.ts";
import type { Workspace } from "../../domain/tool.ts";
import { cleanUpAfterCommand, runWorkspaceCommand, storableOutput } from "./workspace-command.ts";
import type { ResolvedToolOptions } from "./workspace-tool-options.ts";

const defaultCheckTimeoutSeconds = 600;
const checkOutputBytes = 200_000;

/**
 * Runs a repository's check command in a worker's workspace, in the sandbox with the network
 * per the repository's policy. It runs code the agent may have written, so it never runs
 * outside the sandbox: with THREADWORK_SANDBOX=off (or no usable sandbox) it is `not-run`.
 */
export function createWorkspaceCheck(options: {
  tools: ResolvedToolOptions;
  repositories: RepositoryConfig[];
}) {
  return async function runCheck(workspace: Workspace, signal: AbortSignal): Promise<CheckOutcome> {
    const repository = options.repositories.find((candidate) => candidate.name === workspace.repoName);
    const command = workspace.check?.command ?? repository?.check?.command ?? "";
    const notRun = (summary: string): CheckOutcome => ({
      status: "not-run",
      command,
      exitCode: null,
      durationMs: 0,
      summary,
    });
    if (command === "") return notRun("the repository has no check command");
    const sandbox = await detectSandbox(options.tools.sandbox, options.tools.sandboxSearchPath);
    if (sandbox.state === "unavailable")
      return notRun(`the command sandbox is unavailable (${sandbox.reason})`);
    if (sandbox.state === "off") {
      return notRun("THREADWORK_SANDBOX=off: checks run the agent's code, so only inside the sandbox");
    }
    const ran = await runWorkspaceCommand(options.tools, sandbox, workspace, {
      command,
      network: repository?.network === "on",
      timeoutSeconds: repository?.check?.timeoutSeconds ?? defaultCheckTimeoutSeconds,
      signal,
      maxOutputBytes: checkOutputBytes,
    });
    if (signal.aborted) throw new Error("the check was cancelled");
    await cleanUpAfterCommand(workspace, ran.quotaPaths);
    const passed = ran.process.exitCode === 0 && !ran.process.timedOut && !ran.process.aborted;
    const output = redactSecrets(storableOutput(ran.process.stdout));
    return {
      status: passed ? "passed" : "failed",
      command,
      exitCode: ran.process.exitCode,
      durationMs: Math.round(ran.process.durationMs),
      summary:
        tailOf(passed ? output : `${output}\n[${ran.status}]`, checkSummaryCharacters) || "(no output)",
    };
  };
}
