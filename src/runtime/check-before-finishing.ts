import type { AgentRow } from "../adapters/database/agents.ts";
import { countFailedCalls } from "../adapters/database/tool-calls.ts";
import {
  type CheckOutcome,
  checkFailedPrefix,
  type FinishVerdict,
  verdictAfterCheck,
} from "../domain/environment.ts";
import { parseWorkspace, type Workspace } from "../domain/tool.ts";
import type { RuntimeKernel } from "./kernel.ts";

/**
 * What `finish` does first in a workspace with a check: commit the working copy and run the
 * check on a clean checkout of that commit. The worker's own runs of the check are feedback,
 * never the verdict: its working copy, installed dependencies and home may hold what no commit
 * carries. A failure goes back to the worker while `check.retries` allow; failures already
 * handed back are counted from the audit rows of its earlier `finish` calls, so a restart does
 * not reset them. Nothing is recorded until the check is over, so a restart mid-check runs it again.
 */
export async function checkBeforeFinishing(
  kernel: RuntimeKernel,
  agent: AgentRow,
  summary: string,
  signal: AbortSignal,
): Promise<FinishVerdict> {
  const workspace = parseWorkspace(agent.workspace);
  const runCheck = kernel.workspaces?.runCheck;
  if (!workspace?.check || !runCheck) return { kind: "finish" };
  const [check, failedBefore] = await Promise.all([
    runCheck({ workspace, summary, signal }),
    countFailedCalls(kernel.db, agent.id, "finish", checkFailedPrefix),
  ]);
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
