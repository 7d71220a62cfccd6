import { and, asc, eq, ne, sql } from "drizzle-orm";
import type { AgentPatch, AgentRow } from "./agents.ts";
import type { Database } from "./open-database.ts";
import { agents } from "./schema.ts";

/**
 * Moves a worker into `running` if the global and per-session caps allow it and it is
 * still at its step. The advisory lock serialises slot grants across instances.
 */
export async function acquireSlot(
  db: Database,
  agent: Pick<AgentRow, "id" | "sessionId" | "step">,
  limits: { global: number; perSession: number },
  patch: AgentPatch,
): Promise<AgentRow | undefined> {
  return db.transaction(async (transaction) => {
    await transaction.execute(sql`select pg_advisory_xact_lock(7468727262)`);
    const [counts] = await transaction
      .select({
        global: sql<string>`count(*)`,
        session: sql<string>`count(*) filter (where ${agents.sessionId} = ${agent.sessionId})`,
      })
      .from(agents)
      .where(and(eq(agents.role, "worker"), eq(agents.status, "running"), ne(agents.id, agent.id)));
    if (Number(counts?.global ?? 0) >= limits.global) return undefined;
    if (Number(counts?.session ?? 0) >= limits.perSession) return undefined;
    const [row] = await transaction
      .update(agents)
      .set({ ...patch, status: "running", updatedAt: sql`now()` })
      .where(and(eq(agents.id, agent.id), eq(agents.step, agent.step)))
      .returning();
    return row;
  });
}

/** Workers waiting for a slot, oldest first. */
export async function queuedWorkers(db: Database, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: agents.id })
    .from(agents)
    .where(and(eq(agents.status, "queued"), eq(agents.role, "worker")))
    .orderBy(asc(agents.createdAt))
    .limit(limit);
  return rows.map((row) => row.id);
}
