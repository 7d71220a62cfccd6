import { writeStep } from "../adapters/database/agent-steps.ts";
import type { AgentRow, StepPatch } from "../adapters/database/agents.ts";
import type { StepRow } from "../adapters/database/step-row.ts";
import { type CheckOutcome, checkAtCommit, describeCheckOutcome } from "../domain/environment.ts";
import { errorMessage } from "../domain/errors.ts";
import type { ChatMessage } from "../domain/messages.ts";
import { parseWorkspace } from "../domain/tool.ts";
import { afterAgentEnded, notifyParent } from "./agent-lifecycle.ts";
import { checkNotRun } from "./check-before-finishing.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { agentSnapshot } from "./snapshots.ts";

interface StepWrite {
  /** What the step changes on the agent row besides its step counter (a model turn's usage). */
  patch?: StepPatch;
  /** The step's message, stored at `seq`, the seq after the transcript the runner planned from. */
  message: { seq: number; message: ChatMessage };
  /** The step's other rows (usage, the audit row), written in the step's one statement. */
  rows?: StepRow[];
  /** Set when the worker ends with this step: the summary it finished with. */
  finishedSummary?: string | undefined;
  /** The check `finish` ran (or accepted) before it ended the work. */
  finishedCheck?: CheckOutcome | undefined;
}

/**
 * Writes one step with `writeStep`. A step with a `finishedSummary` also completes the
 * worker in the same transaction: `done` with its result and the parent's mailbox entry.
 * Then the surface hears of it and the parent and queued workers wake.
 */
export async function persistStepCompletingWorker(
  kernel: RuntimeKernel,
  agent: AgentRow,
  step: StepWrite,
): Promise<{ agent: AgentRow; completed: boolean }> {
  const result =
    step.finishedSummary === undefined
      ? undefined
      : await finalizeResult(kernel, agent, step.finishedSummary, step.finishedCheck);
  const patch = {
    ...step.patch,
    ...(result ? { status: "done" as const, result, finishedAt: kernel.now() } : {}),
  };
  // Most steps are one statement; the last one of a worker also tells its parent, in a transaction.
  const persisted = result
    ? await kernel.db.transaction(async (transaction) => {
        const row = await writeStep(transaction, agent.id, agent.step, patch, step.message, step.rows);
        await notifyParent(transaction, row, "agent-finished", { summary: summaryForParent(result) });
        return row;
      })
    : await writeStep(kernel.db, agent.id, agent.step, patch, step.message, step.rows);
  if (!result) return { agent: persisted, completed: false };
  kernel.emit({
    type: "agent-finished",
    sessionId: persisted.sessionId,
    agent: agentSnapshot(persisted),
    summary: result.summary,
  });
  await afterAgentEnded(kernel, persisted);
  return { agent: persisted, completed: true };
}

/** The summary with the check's outcome, which the supervisor needs before it merges. */
function summaryForParent(result: { summary: string; check?: unknown }): string {
  const check = result.check as CheckOutcome | undefined;
  if (!check) return result.summary;
  return `${result.summary}\n\n[Threadwork: the check \`${check.command}\` ${describeCheckOutcome(check)}.]`;
}

/**
 * The worker's result: its summary, its check, plus whatever the workspace port reports
 * (branch, commit, PR). A worker that ended without `finish` in a workspace with a check records
 * the check as not run, and so does one whose finished commit is not the one its check ran on,
 * so `merge_agents` does not take its branch for verified.
 */
async function finalizeResult(
  kernel: RuntimeKernel,
  agent: AgentRow,
  summary: string,
  finishedCheck: CheckOutcome | undefined,
): Promise<Record<string, unknown> & { summary: string; check?: CheckOutcome }> {
  const workspace = parseWorkspace(agent.workspace);
  const check = finishedCheck ?? checkNotRun(workspace);
  const checked = check ? { check } : {};
  if (!kernel.workspaces || !workspace) return { summary, ...checked };
  try {
    const extra = await kernel.workspaces.finalizeWorkspace({
      sessionId: agent.sessionId,
      agentId: agent.id,
      workspace,
      summary,
      ...checked,
    });
    const commit = typeof extra.commit === "string" ? extra.commit : undefined;
    return { ...extra, summary, ...(check && commit ? { check: checkAtCommit(check, commit) } : checked) };
  } catch (error) {
    return { summary, ...checked, workspaceError: errorMessage(error) };
  }
}
