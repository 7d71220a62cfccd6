import { and, eq, ne, notInArray, sql } from "drizzle-orm";
import { terminalStatuses } from "../../domain/agent-state.ts";
import type { AgentPatch, AgentRow } from "./agents.ts";
import type { Database } from "./open-database.ts";
import { agents } from "./schema.ts";

/** Serialises every slot grant across instances. */
const slotLockKey = 7468727262;

/**
 * `granted` is the running row. Without it, `deferred` says a slot is free but held for
 * queued workers of other sessions that come first: the caller should wake them.
 */
type SlotOutcome = { granted: AgentRow; deferred: false } | { granted: undefined; deferred: boolean };

/**
 * Moves a worker into `running` if the global and per-session caps allow it and it is
 * still at its step. Slots are granted fairly: a free slot goes first to the queued worker
 * whose session runs the fewest workers (oldest first among equals), so one session's long
 * queue cannot starve another session's worker. The advisory lock serialises grants.
 */
export async function acquireSlot(
  db: Database,
  agent: Pick<AgentRow, "id" | "sessionId" | "step">,
  limits: { global: number; perSession: number },
  patch: AgentPatch,
): Promise<SlotOutcome> {
  return db.transaction(async (transaction): Promise<SlotOutcome> => {
    await transaction.execute(sql`select pg_advisory_xact_lock(${slotLockKey})`);
    const [counts] = await transaction
      .select({
        global: sql<string>`count(*)`,
        session: sql<string>`count(*) filter (where ${agents.sessionId} = ${agent.sessionId})`,
      })
      .from(agents)
      .where(and(eq(agents.role, "worker"), eq(agents.status, "running"), ne(agents.id, agent.id)));
    const running = Number(counts?.global ?? 0);
    const sessionRunning = Number(counts?.session ?? 0);
    if (running >= limits.global || sessionRunning >= limits.perSession) {
      return { granted: undefined, deferred: false };
    }
    const ahead = await queuedAhead(transaction, agent, sessionRunning, limits.perSession);
    if (ahead >= limits.global - running) return { granted: undefined, deferred: true };
    const [row] = await transaction
      .update(agents)
      .set({ ...patch, status: "running", updatedAt: sql`now()` })
      .where(and(eq(agents.id, agent.id), eq(agents.step, agent.step)))
      .returning();
    return { granted: row, deferred: false };
  });
}

/** Running workers per session, as a subquery for the fairness order. */
function sessionRunningCount() {
  return sql<number>`(select count(*) from ${agents} as running_worker
    where running_worker.session_id = ${agents.sessionId}
      and running_worker.role = 'worker' and running_worker.status = 'running')`;
}

/**
 * Queued workers of other sessions that come before this one in the fair order: fewer
 * running workers in their session, or as many and queued earlier. Workers whose session is
 * at its own cap cannot take a slot, so they do not count.
 */
async function queuedAhead(
  db: Database,
  agent: Pick<AgentRow, "id" | "sessionId">,
  sessionRunning: number,
  perSession: number,
): Promise<number> {
  const theirs = sessionRunningCount();
  const queuedAt = sql`(select created_at from ${agents} as this_worker where this_worker.id = ${agent.id})`;
  const [row] = await db
    .select({ count: sql<string>`count(*)` })
    .from(agents)
    .where(
      and(
        eq(agents.role, "worker"),
        eq(agents.status, "queued"),
        ne(agents.sessionId, agent.sessionId),
        sql`${theirs} < ${perSession}`,
        sql`(${theirs} < ${sessionRunning} or (${theirs} = ${sessionRunning} and ${agents.createdAt} < ${queuedAt}))`,
      ),
    );
  return Number(row?.count ?? 0);
}

/** Workers waiting for a slot, in the order slots are granted (see `acquireSlot`). */
export async function queuedWorkers(db: Database, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: agents.id })
    .from(agents)
    .where(and(eq(agents.status, "queued"), eq(agents.role, "worker")))
    .orderBy(sessionRunningCount(), agents.createdAt)
    .limit(limit);
  return rows.map((row) => row.id);
}

/**
 * Locks the session's worker count until the transaction ends and returns how many of its
 * workers are live (not done, failed or cancelled), leaving out `exceptId`. Spawns and
 * revivals check the per-session cap with it, so two instances cannot both pass the cap.
 */
export async function lockLiveWorkerCount(
  db: Database,
  sessionId: string,
  exceptId?: string,
): Promise<number> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`threadwork-workers:${sessionId}`}))`);
  const [row] = await db
    .select({ count: sql<string>`count(*)` })
    .from(agents)
    .where(
      and(
        eq(agents.sessionId, sessionId),
        eq(agents.role, "worker"),
        notInArray(agents.status, [...terminalStatuses]),
        ...(exceptId ? [ne(agents.id, exceptId)] : []),
      ),
    );
  return Number(row?.count ?? 0);
}
