import { listAgentsForSession } from "../adapters/database/agents.ts";
import { decideRequest, type RequestDecision, type RequestRow } from "../adapters/database/requests.ts";
import { extendSpendLimit, pendingRequestsOfLimit } from "../adapters/database/spend-limits.ts";
import type { DecisionOutcome } from "../domain/requests.ts";
import type { parseSpendLimitPause } from "../domain/spend-limit-pause.ts";
import { dollars, mayExtendSpendLimit } from "../domain/spend-limits.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { requestSnapshot } from "./snapshots.ts";

type SpendLimitPauseOf = NonNullable<ReturnType<typeof parseSpendLimitPause>>;

/** Builds a decision's outcome and tells the surfaces (`decisionOutcome` in inputs.ts). */
type OutcomeOf = (row: RequestRow | undefined, fallback: RequestRow) => Promise<DecisionOutcome>;

export const spendLimitRefusal =
  "Only a configured approver or Threadwork admin can extend a spend limit. Nothing was changed.";

async function wakeSession(kernel: RuntimeKernel, row: RequestRow): Promise<void> {
  for (const agent of await listAgentsForSession(kernel.db, row.sessionId)) {
    if (agent.status === "waiting" || agent.status === "queued" || agent.id === row.agentId) {
      await kernel.wake(agent.id);
    }
  }
}

/**
 * Extend on a request a spend limit paused: an approver or admin raises that limit for its period
 * by the limit again, every session it paused resumes, and the extension is audited. The session's
 * owner alone may not: the limit is the team's, not the session's.
 */
export async function extendPausedLimit(
  kernel: RuntimeKernel,
  request: RequestRow,
  pause: SpendLimitPauseOf,
  userId: string,
  outcomeOf: OutcomeOf,
): Promise<DecisionOutcome> {
  const { approverIds, adminIds = [] } = kernel.config.approvals;
  if (!mayExtendSpendLimit({ userId, approvers: approverIds, admins: adminIds })) {
    kernel.lifecycle.decisionRefused({
      sessionId: request.sessionId,
      agentId: request.agentId,
      requestId: request.id,
      kind: "spend-limit",
      userId,
      policy: "approvers-or-admins",
    });
    const snapshot = requestSnapshot(request, request.agentId, kernel.config.approvals.alwaysAllow);
    return { ok: false, reason: "not_authorized", request: snapshot, refusal: spendLimitRefusal };
  }
  const decision: RequestDecision = { status: "extended", decision: "extend", decidedBy: userId };
  const decided = await kernel.db.transaction(async (db) => {
    const first = await decideRequest(db, request.id, decision);
    if (!first.decided || !first.request) return undefined;
    await extendSpendLimit(db, pause.target, { extraMicros: pause.baseMicros, extendedBy: userId });
    const others: RequestRow[] = [];
    for (const other of await pendingRequestsOfLimit(db, pause.key)) {
      const result = await decideRequest(db, other.id, decision);
      if (result.decided && result.request) others.push(result.request);
    }
    return { row: first.request, others };
  });
  const outcome = await outcomeOf(decided?.row, request);
  if (!decided) return outcome;
  for (const other of decided.others) await outcomeOf(other, other);
  const { target } = pause;
  await kernel.audit
    .record({
      scope: target.scope,
      action: "spend-limit-extended",
      actorId: userId,
      channelId: target.kind === "channel-day" ? target.subject : undefined,
      sessionId: request.sessionId,
      detail: `${target.kind} limit of ${target.subject} for ${target.period.key} raised by ${dollars(pause.baseMicros)}`,
    })
    .catch((error: unknown) => {
      kernel.logger.error({ err: error, requestId: request.id }, "could not audit a spend limit extension");
    });
  for (const row of [decided.row, ...decided.others]) await wakeSession(kernel, row);
  return outcome;
}
