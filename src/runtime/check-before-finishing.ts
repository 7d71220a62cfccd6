import type { AgentRow } from "../adapters/database/agents.ts";
import { countFailedCalls, listRecentToolCalls } from "../adapters/database/tool-calls.ts";
import { passingRunSinceLastEdit } from "../domain/check-reuse.ts";
import {
  type CheckOutcome,
  checkFailedPrefix,
  checkSummaryCharacters,
  type FinishVerdict,
  verdictAfterCheck,
} from "../domain/environment.ts";
import { parseWorkspace, type Workspace } from "../domain/tool.ts";
import type { RuntimeKernel } from "./kernel.ts";

/**
 * What `finish` does first in a workspace with a check: accept a passing `run_command` of
 * the check since the last edit, or run the check. A failure goes back to the worker while
 * `check.retries` allow; failures already handed back are counted from the audit rows of
 * its earlier `finish` calls, so a restart does not reset them.
 */
export async function checkBeforeFinishing(
  kernel: RuntimeKernel,
  agent: AgentRow,
  signal: AbortSignal,
): Promise<FinishVerdict> {
  const workspace = parseWorkspace(agent.workspace);
  const runCheck = kernel.workspaces?.runCheck;
  if (!workspace?.check || !runCheck) return { kind: "finish" };
  const [calls, failedBefore] = await Promise.all([
    listRecentToolCalls(kernel.db, agent.id),
    countFailedCalls(kernel.db, agent.id, "finish", checkFailedPrefix),
  ]);
  const check =
    passingRunSinceLastEdit(calls, workspace.check.command, checkSummaryCharacters) ??
    (await runCheck({ workspace, signal }));
  return verdictAfterCheck({ ...check, failedBefore }, workspace.check);
}

/** A worker that ended without `finish` (a reply with no tool call) never ran its check. */
export function checkNotRun(workspace: Workspace | undefined): CheckOutcome | undefined {
  if (!workspace?.check) return undefined;
  return {
    status: "not-run",
    command: workspace.check.command,
    exitCode: null,
    durationMs: 0,
    summary: "the worker ended without calling finish, so the check did not run",
  };
}
