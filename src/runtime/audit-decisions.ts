import { appendAuditEntry } from "../adapters/database/audit-entries.ts";
import type { Database } from "../adapters/database/open-database.ts";
import type { RequestRow } from "../adapters/database/requests.ts";
import { getSession } from "../adapters/database/sessions.ts";
import { exactActionText, parseApprovalAction } from "../domain/approval-action.ts";
import type { AuditAction } from "../domain/audit.ts";
import { auditPlaceOf } from "../domain/audit-place.ts";
import type { SessionBudget } from "../domain/budget.ts";
import { parseFanOutPlan } from "../domain/fan-out-plan.ts";

interface Decision {
  action: AuditAction;
  actorId: string;
  detail: string;
  /** A request's decision is recorded once whatever retries it: `request:<id>`. */
  key?: string;
}

/**
 * Records a person's decision in the audit trail. Call it with the transaction that makes the
 * decision, so the decision and its row commit together or not at all.
 */
export async function auditDecision(db: Database, sessionId: string, decision: Decision): Promise<void> {
  const session = await getSession(db, sessionId);
  if (!session) return;
  const place = auditPlaceOf(session);
  await appendAuditEntry(
    db,
    {
      scope: place.scope,
      channelId: place.channelId,
      sessionId,
      action: decision.action,
      actorId: decision.actorId,
      detail: decision.detail,
    },
    decision.key,
  );
}

/** The exact call an approval decided: the tool, its command or input, and where it runs. */
export function approvalDetail(request: RequestRow): string {
  const action = parseApprovalAction(request.action);
  if (!action) return request.prompt;
  const text = exactActionText(action);
  const where = action.repo ? ` (in ${action.repo}${action.branch ? ` on ${action.branch}` : ""})` : "";
  return `${action.tool}: ${text.main}${text.rest ? `\n${text.rest}` : ""}${where}`;
}

function budgetText(budget: SessionBudget): string {
  const parts = [
    ...(budget.budgetMicros === null ? [] : [`$${(budget.budgetMicros / 1e6).toFixed(2)}`]),
    ...(budget.budgetTokens === null
      ? []
      : [`${budget.budgetTokens} token${budget.budgetTokens === 1 ? "" : "s"}`]),
  ];
  return parts.length > 0 ? parts.join(" and ") : "no limit";
}

export function budgetExtendedDetail(before: SessionBudget, after: SessionBudget): string {
  return `Session budget extended from ${budgetText(before)} to ${budgetText(after)}`;
}

/** A plan's workers by title, with the decision. */
export function planDetail(request: RequestRow, decision: "start" | "cancel"): string {
  const plan = parseFanOutPlan(request.action);
  const titles = plan ? plan.workers.map((worker) => worker.title).join(", ") : request.prompt;
  const count = plan?.workers.length ?? 0;
  const workers = `${count} worker${count === 1 ? "" : "s"}`;
  return `${decision === "start" ? "Started" : "Cancelled"} a plan of ${workers}: ${titles}`;
}

/** Stop all: which workers were still working when the person stopped the session. */
export function stopAllDetail(liveWorkers: readonly { id: string; title: string }[]): string {
  if (liveWorkers.length === 0) return "Stopped the session (no sub-agent was working)";
  const names = liveWorkers.map((worker) => `${worker.title} (${worker.id})`).join(", ");
  return `Stopped the session and its sub-agents: ${names}`;
}
