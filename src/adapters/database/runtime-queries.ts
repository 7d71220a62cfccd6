import { and, asc, desc, eq, gt, inArray, isNull, lt, ne, or, sql } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import { StepConflictError } from "../../domain/errors.ts";
import type { ChatMessage, MessagePart, Usage } from "../../domain/messages.ts";
import type { Database } from "./open-database.ts";
import {
  agents,
  approvalRules,
  contextEntries,
  events,
  requests,
  sessions,
  toolCalls,
  transcriptMessages,
  usageLedger,
} from "./schema.ts";

export type SessionRow = typeof sessions.$inferSelect;
export type AgentRow = typeof agents.$inferSelect;
export type EventRow = typeof events.$inferSelect;
export type RequestRow = typeof requests.$inferSelect;
export type ToolCallRow = typeof toolCalls.$inferSelect;
/** Column values or SQL expressions such as `turns + 1`. */
export type AgentPatch = Omit<PgUpdateSetSource<typeof agents>, "id" | "step">;

/** Event types that make an agent take a turn; progress rides along with the next one. */
export const quietEventTypes = ["agent-progress"];

export async function findSessionByKey(db: Database, surface: string, conversationKey: string) {
  const rows = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.surface, surface), eq(sessions.conversationKey, conversationKey)));
  return rows[0];
}

export async function getSessionRow(db: Database, id: string) {
  const rows = await db.select().from(sessions).where(eq(sessions.id, id));
  return rows[0];
}

/** Inserts unless the key exists; a concurrent insert wins and is returned instead. */
export async function insertSessionIfAbsent(
  db: Database,
  row: typeof sessions.$inferInsert,
): Promise<{ session: SessionRow; created: boolean }> {
  const inserted = await db.insert(sessions).values(row).onConflictDoNothing().returning();
  if (inserted[0]) return { session: inserted[0], created: true };
  const existing = await findSessionByKey(db, row.surface, row.conversationKey);
  if (!existing) throw new Error("session vanished after a conflicting insert");
  return { session: existing, created: false };
}

export async function getAgentRow(db: Database, id: string) {
  const rows = await db.select().from(agents).where(eq(agents.id, id));
  return rows[0];
}

export async function supervisorOf(db: Database, sessionId: string) {
  const rows = await db
    .select()
    .from(agents)
    .where(and(eq(agents.sessionId, sessionId), eq(agents.role, "supervisor")))
    .orderBy(asc(agents.createdAt))
    .limit(1);
  return rows[0];
}

export async function agentsOfSession(db: Database, sessionId: string) {
  return db
    .select()
    .from(agents)
    .where(eq(agents.sessionId, sessionId))
    .orderBy(asc(agents.createdAt), asc(agents.id));
}

export async function insertAgent(db: Database, row: typeof agents.$inferInsert) {
  const inserted = await db.insert(agents).values(row).returning();
  return inserted[0] as AgentRow;
}

/**
 * Writes one step: bumps `agents.step` from `expectedStep` (or fails with
 * StepConflictError and writes nothing), applies `patch`, then runs `write` in the
 * same transaction.
 */
export async function persistStep<T>(
  db: Database,
  agentId: string,
  expectedStep: number,
  patch: AgentPatch,
  write: (tx: Database, agent: AgentRow) => Promise<T>,
): Promise<{ agent: AgentRow; value: T }> {
  return db.transaction(async (tx) => {
    const updated = await tx
      .update(agents)
      .set({ ...patch, step: sql`${agents.step} + 1`, updatedAt: new Date() })
      .where(and(eq(agents.id, agentId), eq(agents.step, expectedStep)))
      .returning();
    const agent = updated[0];
    if (!agent) throw new StepConflictError(agentId, expectedStep);
    const value = await write(tx as unknown as Database, agent);
    return { agent, value };
  });
}

export async function loadTranscript(db: Database, agentId: string): Promise<ChatMessage[]> {
  const rows = await db
    .select()
    .from(transcriptMessages)
    .where(eq(transcriptMessages.agentId, agentId))
    .orderBy(asc(transcriptMessages.seq));
  return rows.map((row) => ({ role: row.role as ChatMessage["role"], parts: row.parts }));
}

export async function appendMessage(
  db: Database,
  agentId: string,
  role: ChatMessage["role"],
  parts: MessagePart[],
) {
  await db.insert(transcriptMessages).values({
    agentId,
    role,
    parts,
    seq: sql`(select coalesce(max(${transcriptMessages.seq}), 0) + 1 from ${transcriptMessages} where ${transcriptMessages.agentId} = ${agentId})`,
  });
}

export async function insertEvent(db: Database, row: typeof events.$inferInsert) {
  await db.insert(events).values(row);
}

export async function pendingEvents(db: Database, agentId: string) {
  return db
    .select()
    .from(events)
    .where(and(eq(events.targetAgentId, agentId), isNull(events.consumedAt)))
    .orderBy(asc(events.id));
}

export async function consumeEvents(db: Database, ids: number[]) {
  if (ids.length === 0) return;
  await db
    .update(events)
    .set({ consumedAt: new Date() })
    .where(and(inArray(events.id, ids), isNull(events.consumedAt)));
}

export async function getToolCall(db: Database, agentId: string, toolCallId: string) {
  const rows = await db
    .select()
    .from(toolCalls)
    .where(and(eq(toolCalls.agentId, agentId), eq(toolCalls.toolCallId, toolCallId)));
  return rows[0];
}

/** Commits the audit row before the tool runs; false when another runner got there first. */
export async function startToolCall(db: Database, row: typeof toolCalls.$inferInsert): Promise<boolean> {
  const inserted = await db
    .insert(toolCalls)
    .values(row)
    .onConflictDoNothing()
    .returning({ id: toolCalls.toolCallId });
  return inserted.length === 1;
}

export async function finishToolCall(
  db: Database,
  row: typeof toolCalls.$inferInsert & { output: string; isError: boolean; status: string },
) {
  await db
    .insert(toolCalls)
    .values({ ...row, finishedAt: new Date() })
    .onConflictDoUpdate({
      target: [toolCalls.agentId, toolCalls.toolCallId],
      set: { status: row.status, output: row.output, isError: row.isError, finishedAt: new Date() },
    });
}

export async function insertUsage(db: Database, row: typeof usageLedger.$inferInsert) {
  await db.insert(usageLedger).values(row);
}

export async function sessionSpend(
  db: Database,
  sessionId: string,
): Promise<{ usage: Usage; costMicros: number }> {
  const rows = await db
    .select({
      inputTokens: sql<string>`coalesce(sum(${usageLedger.inputTokens}), 0)`,
      outputTokens: sql<string>`coalesce(sum(${usageLedger.outputTokens}), 0)`,
      cacheReadTokens: sql<string>`coalesce(sum(${usageLedger.cacheReadTokens}), 0)`,
      cacheWriteTokens: sql<string>`coalesce(sum(${usageLedger.cacheWriteTokens}), 0)`,
      costMicros: sql<string>`coalesce(sum(${usageLedger.costMicros}), 0)`,
    })
    .from(usageLedger)
    .where(eq(usageLedger.sessionId, sessionId));
  const row = rows[0];
  return {
    usage: {
      inputTokens: Number(row?.inputTokens ?? 0),
      outputTokens: Number(row?.outputTokens ?? 0),
      cacheReadTokens: Number(row?.cacheReadTokens ?? 0),
      cacheWriteTokens: Number(row?.cacheWriteTokens ?? 0),
    },
    costMicros: Number(row?.costMicros ?? 0),
  };
}

export async function getRequestRow(db: Database, id: string) {
  const rows = await db.select().from(requests).where(eq(requests.id, id));
  return rows[0];
}

export async function requestForCall(db: Database, agentId: string, toolCallId: string) {
  const rows = await db
    .select()
    .from(requests)
    .where(and(eq(requests.agentId, agentId), eq(requests.toolCallId, toolCallId)));
  return rows[0];
}

/** Idempotent on (agent, tool call): a resumed run finds the request instead of asking again. */
export async function insertRequestIfAbsent(
  db: Database,
  row: typeof requests.$inferInsert,
): Promise<{ request: RequestRow; created: boolean }> {
  const inserted = await db.insert(requests).values(row).onConflictDoNothing().returning();
  if (inserted[0]) return { request: inserted[0], created: true };
  const existing = await requestForCall(db, row.agentId, row.toolCallId ?? "");
  if (!existing) throw new Error("request vanished after a conflicting insert");
  return { request: existing, created: false };
}

export async function pendingRequests(db: Database, sessionId: string) {
  return db
    .select()
    .from(requests)
    .where(and(eq(requests.sessionId, sessionId), eq(requests.status, "pending")))
    .orderBy(asc(requests.createdAt));
}

/** Whether the session's budget was stopped after the supervisor's latest user message. */
export async function stoppedSinceLastUserMessage(db: Database, agent: AgentRow): Promise<boolean> {
  const stopped = await db
    .select({ decidedAt: requests.decidedAt })
    .from(requests)
    .where(
      and(
        eq(requests.sessionId, agent.sessionId),
        eq(requests.kind, "budget"),
        eq(requests.status, "stopped"),
      ),
    )
    .orderBy(desc(requests.decidedAt))
    .limit(1);
  const decidedAt = stopped[0]?.decidedAt;
  if (!decidedAt) return false;
  const newer = await db
    .select({ id: events.id })
    .from(events)
    .where(
      and(
        eq(events.targetAgentId, agent.id),
        eq(events.type, "user-message"),
        gt(events.createdAt, decidedAt),
      ),
    )
    .limit(1);
  return newer.length === 0;
}

/** Whether people are in this agent's loop: it asked before, or the session has requests pending. */
export async function involvesHumans(db: Database, agent: AgentRow): Promise<boolean> {
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

export async function allPendingRequests(db: Database, limit: number) {
  return db
    .select()
    .from(requests)
    .where(eq(requests.status, "pending"))
    .orderBy(asc(requests.createdAt))
    .limit(limit);
}

export async function pendingBudgetRequest(db: Database, sessionId: string) {
  const rows = await db
    .select()
    .from(requests)
    .where(
      and(eq(requests.sessionId, sessionId), eq(requests.kind, "budget"), eq(requests.status, "pending")),
    )
    .limit(1);
  return rows[0];
}

/** Decides a pending request once; undefined when it was already decided. */
export async function decideRequest(
  db: Database,
  id: string,
  decision: { status: string; decision: string; answer: string | null; decidedBy: string },
) {
  const rows = await db
    .update(requests)
    .set({ ...decision, decidedAt: new Date() })
    .where(and(eq(requests.id, id), eq(requests.status, "pending")))
    .returning();
  return rows[0];
}

export async function cancelPendingRequests(db: Database, agentId: string) {
  await db
    .update(requests)
    .set({ status: "cancelled", decidedAt: new Date() })
    .where(and(eq(requests.agentId, agentId), eq(requests.status, "pending")));
}

export async function approvalRulesOf(db: Database, sessionId: string) {
  return db.select().from(approvalRules).where(eq(approvalRules.sessionId, sessionId));
}

export async function addApprovalRule(db: Database, row: typeof approvalRules.$inferInsert) {
  await db.insert(approvalRules).values(row).onConflictDoNothing();
}

export async function updateSession(db: Database, id: string, patch: Partial<typeof sessions.$inferInsert>) {
  await db
    .update(sessions)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(sessions.id, id));
}

/** Changes an agent outside a step, e.g. a cancel; bumps `step` so a runner in flight cannot write over it. */
export async function updateAgentOutsideStep(db: Database, id: string, patch: AgentPatch) {
  const rows = await db
    .update(agents)
    .set({ ...patch, step: sql`${agents.step} + 1`, updatedAt: new Date() })
    .where(eq(agents.id, id))
    .returning();
  return rows[0];
}

/** Status-only moves (waiting, queued, idle) that do not change the transcript. */
export async function setAgentStatus(db: Database, id: string, expectedStep: number, patch: AgentPatch) {
  const rows = await db
    .update(agents)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(agents.id, id), eq(agents.step, expectedStep)))
    .returning();
  return rows[0];
}

export async function bumpWakeSeq(db: Database, id: string) {
  await db
    .update(agents)
    .set({ wakeSeq: sql`${agents.wakeSeq} + 1` })
    .where(eq(agents.id, id));
}

/** Takes the agent's lease when it is free or expired; returns the wake sequence seen. */
export async function takeLease(
  db: Database,
  id: string,
  owner: string,
  ttlMs: number,
): Promise<number | undefined> {
  const rows = await db
    .update(agents)
    .set({ leaseOwner: owner, leaseExpiresAt: sql`now() + ${`${ttlMs} milliseconds`}::interval` })
    .where(and(eq(agents.id, id), or(isNull(agents.leaseOwner), lt(agents.leaseExpiresAt, sql`now()`))))
    .returning({ wakeSeq: agents.wakeSeq });
  return rows[0]?.wakeSeq;
}

/** Extends the lease; returns the agent's status, or undefined when the lease is no longer ours. */
export async function renewLease(
  db: Database,
  id: string,
  owner: string,
  ttlMs: number,
): Promise<string | undefined> {
  const rows = await db
    .update(agents)
    .set({ leaseExpiresAt: sql`now() + ${`${ttlMs} milliseconds`}::interval` })
    .where(and(eq(agents.id, id), eq(agents.leaseOwner, owner)))
    .returning({ status: agents.status });
  return rows[0]?.status;
}

/** Releases only when no wake-up arrived since `seenWakeSeq`; otherwise returns the new sequence. */
export async function releaseLease(
  db: Database,
  id: string,
  owner: string,
  seenWakeSeq: number,
): Promise<{ released: true } | { released: false; wakeSeq: number | undefined }> {
  const rows = await db
    .update(agents)
    .set({ leaseOwner: null, leaseExpiresAt: null })
    .where(and(eq(agents.id, id), eq(agents.leaseOwner, owner), eq(agents.wakeSeq, seenWakeSeq)))
    .returning({ id: agents.id });
  if (rows.length === 1) return { released: true };
  const current = await db
    .select({ wakeSeq: agents.wakeSeq, leaseOwner: agents.leaseOwner })
    .from(agents)
    .where(eq(agents.id, id));
  if (current[0]?.leaseOwner !== owner) return { released: false, wakeSeq: undefined };
  return { released: false, wakeSeq: current[0]?.wakeSeq };
}

export async function dropLease(db: Database, id: string, owner: string) {
  await db
    .update(agents)
    .set({ leaseOwner: null, leaseExpiresAt: null })
    .where(and(eq(agents.id, id), eq(agents.leaseOwner, owner)));
}

/**
 * Moves a worker into `running` if the global and per-session caps allow it. The
 * advisory lock serialises slot grants across instances.
 */
export async function acquireSlot(
  db: Database,
  agent: AgentRow,
  limits: { global: number; perSession: number },
  patch: AgentPatch,
): Promise<AgentRow | undefined> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(7468727262)`);
    const counts = await tx
      .select({
        global: sql<string>`count(*)`,
        session: sql<string>`count(*) filter (where ${agents.sessionId} = ${agent.sessionId})`,
      })
      .from(agents)
      .where(and(eq(agents.role, "worker"), eq(agents.status, "running"), ne(agents.id, agent.id)));
    const global = Number(counts[0]?.global ?? 0);
    const session = Number(counts[0]?.session ?? 0);
    if (global >= limits.global || session >= limits.perSession) return undefined;
    const rows = await tx
      .update(agents)
      .set({ ...patch, status: "running", updatedAt: new Date() })
      .where(and(eq(agents.id, agent.id), eq(agents.step, agent.step)))
      .returning();
    return rows[0];
  });
}

/** Agents that need a runner: expired or missing lease while active, or past their deadline. */
export async function agentsToSweep(db: Database, limit: number) {
  const noLease = or(isNull(agents.leaseOwner), lt(agents.leaseExpiresAt, sql`now()`));
  const hasWakingEvent = sql`exists (select 1 from ${events} where ${events.targetAgentId} = ${agents.id} and ${events.consumedAt} is null and ${events.type} <> 'agent-progress')`;
  const rows = await db
    .select({ id: agents.id })
    .from(agents)
    .where(
      and(
        noLease,
        or(
          inArray(agents.status, ["queued", "running"]),
          and(inArray(agents.status, ["waiting", "idle"]), lt(agents.deadlineAt, sql`now()`)),
          and(eq(agents.status, "idle"), hasWakingEvent),
        ),
      ),
    )
    .orderBy(asc(agents.updatedAt))
    .limit(limit);
  return rows.map((row) => row.id);
}

export async function queuedWorkers(db: Database, limit: number) {
  const rows = await db
    .select({ id: agents.id })
    .from(agents)
    .where(and(eq(agents.status, "queued"), eq(agents.role, "worker")))
    .orderBy(asc(agents.createdAt))
    .limit(limit);
  return rows.map((row) => row.id);
}

export async function readContext(db: Database, sessionId: string, key: string) {
  const rows = await db
    .select()
    .from(contextEntries)
    .where(and(eq(contextEntries.sessionId, sessionId), eq(contextEntries.key, key)))
    .orderBy(desc(contextEntries.version))
    .limit(1);
  return rows[0];
}

export async function listContextKeys(db: Database, sessionId: string) {
  return db
    .select({
      key: contextEntries.key,
      version: sql<number>`max(${contextEntries.version})`,
    })
    .from(contextEntries)
    .where(eq(contextEntries.sessionId, sessionId))
    .groupBy(contextEntries.key)
    .orderBy(asc(contextEntries.key));
}

export async function writeContext(
  db: Database,
  sessionId: string,
  key: string,
  value: string,
  authorAgentId: string,
) {
  for (let attempt = 0; ; attempt += 1) {
    const latest = await readContext(db, sessionId, key);
    const version = (latest?.version ?? 0) + 1;
    const inserted = await db
      .insert(contextEntries)
      .values({ sessionId, key, value, version, authorAgentId })
      .onConflictDoNothing()
      .returning({ version: contextEntries.version });
    if (inserted[0]) return inserted[0].version;
    if (attempt > 5) throw new Error(`could not write context key ${key}`);
  }
}

export async function sessionsOfOwner(db: Database, ownerId: string, limit: number) {
  return db
    .select()
    .from(sessions)
    .where(eq(sessions.ownerId, ownerId))
    .orderBy(desc(sessions.createdAt))
    .limit(limit);
}
