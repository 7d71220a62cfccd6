import { updateAgentAtStep } from "../adapters/database/agent-steps.ts";
import type { AgentRow } from "../adapters/database/agents.ts";
import { createRequest, type NewRequest, type RequestRow } from "../adapters/database/requests.ts";
import { parseApprovalAction } from "../domain/approval-action.ts";
import { StepConflictError } from "../domain/errors.ts";
import { notifyParent, wakeQueuedWorkers } from "./agent-lifecycle.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { requestSnapshot } from "./snapshots.ts";

export type HumanRequest = Omit<NewRequest, "id" | "sessionId" | "agentId">;

/**
 * Parks the agent on a human decision: the request (idempotent on agent + key) and the
 * `waiting` status commit together, then the surface hears about it. On a resume the
 * request already exists and is announced again; surfaces dedupe.
 */
export async function waitForHuman(
  kernel: RuntimeKernel,
  agent: AgentRow,
  request: HumanRequest,
): Promise<RequestRow> {
  const { row, created, parked } = await kernel.db.transaction(async (db) => {
    const result = await createRequest(db, {
      ...request,
      id: kernel.newId("req"),
      sessionId: agent.sessionId,
      agentId: agent.id,
    });
    const updated = await updateAgentAtStep(db, agent.id, agent.step, { status: "waiting" });
    if (!updated) throw new StepConflictError(agent.id, agent.step);
    if (result.created && result.request.kind === "question") {
      await notifyParent(db, agent, "question-asked", { question: result.request.prompt });
    }
    if (result.created && result.request.kind === "approval") {
      const action = parseApprovalAction(result.request.action);
      await notifyParent(db, agent, "approval-requested", { description: action?.description ?? "" });
    }
    return { row: result.request, created: result.created, parked: updated };
  });
  announceRequest(kernel, row, agent.title);
  if (created && row.kind === "question" && agent.parentId) await kernel.wake(agent.parentId);
  if (agent.status === "running" && parked.role === "worker")
    await wakeQueuedWorkers(kernel, agent.sessionId);
  return row;
}

/** Waits on a request that already exists elsewhere (another agent's budget request). */
export async function parkAgent(kernel: RuntimeKernel, agent: AgentRow): Promise<void> {
  const updated = await updateAgentAtStep(kernel.db, agent.id, agent.step, { status: "waiting" });
  if (!updated) throw new StepConflictError(agent.id, agent.step);
  if (agent.status === "running" && agent.role === "worker") await wakeQueuedWorkers(kernel, agent.sessionId);
}

export function announceRequest(kernel: RuntimeKernel, row: RequestRow, agentTitle: string): void {
  if (row.status !== "pending") return;
  const request = requestSnapshot(row, agentTitle, kernel.config.approvals.alwaysAllow);
  const sessionId = row.sessionId;
  if (row.kind === "question") kernel.emit({ type: "question-asked", sessionId, request });
  else if (row.kind === "approval") kernel.emit({ type: "approval-requested", sessionId, request });
  else if (row.kind === "plan") kernel.emit({ type: "plan-proposed", sessionId, request });
  else kernel.emit({ type: "budget-reached", sessionId, request });
}
