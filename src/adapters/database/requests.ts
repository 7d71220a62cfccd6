import { randomUUID } from "node:crypto";
import { and, asc, eq, or, sql } from "drizzle-orm";
import type { ApprovalAction } from "../../domain/approval-action.ts";
import type { FanOutPlan } from "../../domain/fan-out-plan.ts";
import type { QuestionLink } from "../../domain/question-link.ts";
import type { RequestKind, RequestStatus } from "../../domain/requests.ts";
import type { SpendLimitPause } from "../../domain/spend-limit-pause.ts";
import type { Database } from "./open-database.ts";
import { approvalRules, requests } from "./schema.ts";
import { type SessionScope, sessionInScope } from "./session-scope.ts";
import { StorageError } from "./storage-error.ts";

export type RequestRow = typeof requests.$inferSelect;
type ApprovalRuleRow = typeof approvalRules.$inferSelect;

export interface NewRequest {
  /** Defaults to a random UUID. */
  id?: string;
  sessionId: string;
  agentId: string;
  kind: RequestKind;
  /** The waiting tool call; a second create for the same call returns the first request. */
  toolCallId?: string | null;
  prompt: string;
  choices?: string[] | null;
  /**
   * For approvals: what the approver is asked to allow, bound to the input by its hash.
   * For a question: the link it asks a person to open, if any. For a plan: the workers to start.
   */
  action?: ApprovalAction | { link: QuestionLink } | FanOutPlan | SpendLimitPause | null;
  pattern?: string | null;
}

export interface RequestDecision {
  status: Exclude<RequestStatus, "pending">;
  /** The raw choice, e.g. `approve`, `always_allow`, `extend`. */
  decision?: string | null;
  answer?: string | null;
  decidedBy: string;
}

/**
 * Creates a request, or returns the one already made for this agent's tool call, so a
 * resumed run never asks twice.
 */
export async function createRequest(
  db: Database,
  input: NewRequest,
): Promise<{ request: RequestRow; created: boolean }> {
  const [inserted] = await db
    .insert(requests)
    .values({ ...input, id: input.id ?? randomUUID() })
    .onConflictDoNothing({ target: [requests.agentId, requests.toolCallId] })
    .returning();
  if (inserted) return { request: inserted, created: true };
  const existing = input.toolCallId
    ? await findRequestForToolCall(db, input.agentId, input.toolCallId)
    : undefined;
  if (!existing) throw new StorageError("a conflicting request vanished", { agentId: input.agentId });
  return { request: existing, created: false };
}

export async function getRequest(db: Database, id: string): Promise<RequestRow | undefined> {
  const [row] = await db.select().from(requests).where(eq(requests.id, id));
  return row;
}

export async function findRequestForToolCall(
  db: Database,
  agentId: string,
  toolCallId: string,
): Promise<RequestRow | undefined> {
  const [row] = await db
    .select()
    .from(requests)
    .where(and(eq(requests.agentId, agentId), eq(requests.toolCallId, toolCallId)));
  return row;
}

/** Oldest first. */
export async function listPendingRequests(db: Database, sessionId: string): Promise<RequestRow[]> {
  return db
    .select()
    .from(requests)
    .where(and(eq(requests.sessionId, sessionId), eq(requests.status, "pending")))
    .orderBy(asc(requests.createdAt), asc(requests.id));
}

/** Pending requests of every session (in `scope`), oldest first, to announce again after a restart. */
export async function listAllPendingRequests(
  db: Database,
  limit: number,
  scope?: SessionScope,
): Promise<RequestRow[]> {
  return db
    .select()
    .from(requests)
    .where(and(eq(requests.status, "pending"), scope ? sessionInScope(requests.sessionId, scope) : undefined))
    .orderBy(asc(requests.createdAt), asc(requests.id))
    .limit(limit);
}

/** Whether people are in an agent's loop: it asked before, or its session has a request pending. */
export async function involvesHumans(
  db: Database,
  agent: { id: string; sessionId: string },
): Promise<boolean> {
  const rows = await db
    .select({ id: requests.id })
    .from(requests)
    .where(
      or(
        eq(requests.agentId, agent.id),
        and(eq(requests.sessionId, agent.sessionId), eq(requests.status, "pending")),
      ),
    )
    .limit(1);
  return rows.length > 0;
}

/** Withdraws an agent's pending requests (it was cancelled); returns how many. */
export async function cancelPendingRequests(db: Database, agentId: string): Promise<number> {
  const cancelled = await db
    .update(requests)
    .set({ status: "cancelled", decidedAt: sql`now()` })
    .where(and(eq(requests.agentId, agentId), eq(requests.status, "pending")))
    .returning({ id: requests.id });
  return cancelled.length;
}

/**
 * Withdraws an agent's pending requests whose tool-call key starts with `keyPrefix` (the
 * questions of one call's MCP elicitations); returns them as withdrawn.
 */
export async function withdrawPendingRequests(
  db: Database,
  agentId: string,
  keyPrefix: string,
): Promise<RequestRow[]> {
  return db
    .update(requests)
    .set({ status: "cancelled", decidedAt: sql`now()` })
    .where(
      and(
        eq(requests.agentId, agentId),
        eq(requests.status, "pending"),
        sql`starts_with(${requests.toolCallId}, ${keyPrefix})`,
      ),
    )
    .returning();
}

/**
 * Decides a pending request. Only the first decision counts: a later one (a double
 * click, a second approver) gets `decided: false` and the request as it was decided.
 */
export async function decideRequest(
  db: Database,
  id: string,
  decision: RequestDecision,
): Promise<{ decided: boolean; request: RequestRow | undefined }> {
  const [updated] = await db
    .update(requests)
    .set({
      status: decision.status,
      decision: decision.decision ?? null,
      answer: decision.answer ?? null,
      decidedBy: decision.decidedBy,
      decidedAt: sql`now()`,
    })
    .where(and(eq(requests.id, id), eq(requests.status, "pending")))
    .returning();
  if (updated) return { decided: true, request: updated };
  return { decided: false, request: await getRequest(db, id) };
}

interface NewApprovalRule {
  sessionId: string;
  toolName: string;
  pattern: string;
  createdBy: string;
}

/** Adds an "always allow" rule; adding the same rule again changes nothing. Returns whether it was new. */
export async function addApprovalRule(db: Database, rule: NewApprovalRule): Promise<boolean> {
  const inserted = await db
    .insert(approvalRules)
    .values(rule)
    .onConflictDoNothing()
    .returning({ pattern: approvalRules.pattern });
  return inserted.length > 0;
}

export async function listApprovalRules(db: Database, sessionId: string): Promise<ApprovalRuleRow[]> {
  return db
    .select()
    .from(approvalRules)
    .where(eq(approvalRules.sessionId, sessionId))
    .orderBy(asc(approvalRules.createdAt), asc(approvalRules.toolName), asc(approvalRules.pattern));
}
