import { getAgent } from "../adapters/database/agents.ts";
import {
  decideRequest,
  getRequest,
  listPendingRequests,
  type RequestDecision,
} from "../adapters/database/requests.ts";
import { getSession } from "../adapters/database/sessions.ts";
import { type DecisionKind, mayDecide, policyInForce } from "../domain/decision-rule.ts";
import type { PlanDecision } from "../domain/fan-out-plan.ts";
import type { DecisionOutcome } from "../domain/requests.ts";
import { redactSecrets } from "../domain/secret-redaction.ts";
import { auditDecision, planDetail } from "./audit-decisions.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { approvalsFor } from "./session-settings.ts";
import { requestSnapshot } from "./snapshots.ts";
import type { SurfaceInput } from "./surface-port.ts";

/**
 * Start lets the session do more, so it is decided like an approval; Change steers the
 * supervisor like an answer; Cancel only ever does less, like a stop.
 */
const decisionKinds: Record<PlanDecision, DecisionKind> = {
  start: "approval",
  change: "answer",
  cancel: "stop",
};

const statuses: Record<PlanDecision, RequestDecision["status"]> = {
  start: "approved",
  change: "answered",
  cancel: "denied",
};

/** Decides a pending plan once (`WHERE status = 'pending'`) and wakes the supervisor waiting on it. */
export async function decidePlan(
  kernel: RuntimeKernel,
  input: Extract<SurfaceInput, { type: "plan-decision" }>,
): Promise<DecisionOutcome> {
  const request = await getRequest(kernel.db, input.requestId);
  if (!request) return { ok: false, reason: "not_found" };
  const title = (await getAgent(kernel.db, request.agentId))?.title ?? request.agentId;
  const alwaysAllow = kernel.config.approvals.alwaysAllow;
  const snapshot = requestSnapshot(request, title, alwaysAllow);
  if (request.kind !== "plan") return { ok: false, reason: "invalid", request: snapshot };
  if (request.status !== "pending") return { ok: false, reason: "already_decided", request: snapshot };
  // A token typed into a change is stored, shown and prompted redacted, like one in a message.
  const text = redactSecrets(input.text?.trim() ?? "");
  if (input.decision === "change" && text === "") return { ok: false, reason: "invalid", request: snapshot };
  const session = await getSession(kernel.db, request.sessionId);
  const kind = decisionKinds[input.decision];
  const { approverIds, policy } = approvalsFor(kernel, session);
  if (
    !session ||
    !mayDecide({ policy, ownerId: session.ownerId, approvers: approverIds, userId: input.userId, kind })
  ) {
    const inForce = policyInForce(policy, kind);
    kernel.lifecycle.decisionRefused({
      sessionId: request.sessionId,
      agentId: request.agentId,
      requestId: request.id,
      kind: request.kind,
      userId: input.userId,
      policy: inForce,
    });
    return { ok: false, reason: "not_authorized", request: snapshot, policy: inForce };
  }
  const { decided, request: row } = await kernel.db.transaction(async (db) => {
    const result = await decideRequest(db, request.id, {
      status: statuses[input.decision],
      decision: input.decision,
      answer: input.decision === "change" ? text : null,
      decidedBy: input.userId,
    });
    const audited = input.decision === "change" ? undefined : input.decision;
    if (result.decided && result.request && audited) {
      await auditDecision(db, result.request.sessionId, {
        action: audited === "start" ? "plan-started" : "plan-cancelled",
        actorId: input.userId,
        detail: planDetail(result.request, audited),
        key: `request:${result.request.id}`,
      });
    }
    return result;
  });
  if (!decided || !row) {
    return {
      ok: false,
      reason: "already_decided",
      request: row ? requestSnapshot(row, title, alwaysAllow) : snapshot,
    };
  }
  const decidedSnapshot = requestSnapshot(row, title, alwaysAllow);
  const waitedSeconds = ((row.decidedAt ?? kernel.now()).getTime() - row.createdAt.getTime()) / 1000;
  kernel.telemetry.requestDecided({
    kind: row.kind,
    status: row.status,
    waitedSeconds: Math.max(0, waitedSeconds),
  });
  kernel.emit({ type: "request-decided", sessionId: row.sessionId, request: decidedSnapshot });
  await kernel.wake(row.agentId);
  return { ok: true, request: decidedSnapshot };
}

/**
 * A person stopped all of the session's work: a plan still waiting is withdrawn, so nobody
 * starts its workers into a stopped session. The supervisor hears that nothing started.
 */
export async function withdrawPendingPlans(
  kernel: RuntimeKernel,
  sessionId: string,
  userId: string,
): Promise<void> {
  const pending = await listPendingRequests(kernel.db, sessionId);
  for (const request of pending.filter((item) => item.kind === "plan")) {
    const { decided, request: row } = await decideRequest(kernel.db, request.id, {
      status: "cancelled",
      decision: "withdrawn",
      decidedBy: userId,
    });
    if (!decided || !row) continue;
    const title = (await getAgent(kernel.db, row.agentId))?.title ?? row.agentId;
    const snapshot = requestSnapshot(row, title, kernel.config.approvals.alwaysAllow);
    kernel.emit({ type: "request-decided", sessionId: row.sessionId, request: snapshot });
    await kernel.wake(row.agentId);
  }
}
