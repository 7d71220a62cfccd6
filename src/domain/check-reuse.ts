import { type CheckOutcome, tailOf } from "./environment.ts";

/** One audited tool call of an agent, as `finish` reads them. */
export interface AuditedCall {
  toolName: string;
  input: unknown;
  output: string | null;
  isError: boolean;
  status: string;
}

/** Tools that cannot change the working copy's content; anything else may have edited it. */
const readOnlyTools = new Set([
  "read_file",
  "list_files",
  "search",
  "git_diff",
  "commit",
  "report_progress",
  "read_context",
  "write_context",
  "read_tool_output",
  "read_slack_file",
  "ask_user",
  "finish",
]);

const passingRun = /^\[exit code 0, (\d+(?:\.\d+)?) s, sandboxed(?:, network on)?\]\n/;

function sameCommand(input: unknown, command: string): boolean {
  const ran = (input as { command?: unknown } | null)?.command;
  const squeeze = (text: string) => text.trim().replace(/\s+/g, " ");
  return typeof ran === "string" && squeeze(ran) === squeeze(command);
}

/**
 * A passing sandboxed `run_command` of exactly the check command, with nothing after it
 * that could have changed the working copy: `finish` accepts it instead of running the
 * check again. `calls` are the agent's audited calls, oldest first.
 */
export function passingRunSinceLastEdit(
  calls: readonly AuditedCall[],
  command: string,
  summaryCharacters: number,
): CheckOutcome | undefined {
  for (let index = calls.length - 1; index >= 0; index -= 1) {
    const call = calls[index];
    if (!call) continue;
    // Finished calls only: one that was interrupted may have done anything.
    if (readOnlyTools.has(call.toolName) && call.status !== "interrupted") continue;
    if (call.toolName !== "run_command" || call.isError || !sameCommand(call.input, command))
      return undefined;
    const match = passingRun.exec(call.output ?? "");
    if (!match) return undefined;
    return {
      status: "passed",
      command,
      exitCode: 0,
      durationMs: Math.round(Number(match[1]) * 1000),
      summary: tailOf((call.output ?? "").slice(match[0].length), summaryCharacters),
      reused: true,
    };
  }
  return undefined;
}
