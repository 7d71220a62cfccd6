import { sql } from "drizzle-orm";
import type { Database } from "./open-database.ts";

/**
 * Counts for the metrics gauges, read at each scrape. Only agents that are not finished are
 * counted by state (the status index keeps that cheap); finished ones are counters instead.
 */
export async function liveAgentCounts(
  db: Database,
): Promise<{ role: string; state: string; count: number }[]> {
  const result = await db.execute<{ role: string; status: string; count: number | string }>(
    sql`select role, status, count(*) as count from agents
        where status in ('queued', 'running', 'waiting', 'idle') group by role, status`,
  );
  return result.rows.map((row) => ({ role: row.role, state: row.status, count: Number(row.count) }));
}

/** Sessions working (an agent runs or queues), waiting (only on people) and idle (the rest). */
export async function sessionStateCounts(db: Database): Promise<{ state: string; count: number }[]> {
  const result = await db.execute<{
    working: number | string;
    waiting: number | string;
    total: number | string;
  }>(
    sql`select
          (select count(*) from sessions) as total,
          count(*) filter (where busy) as working,
          count(*) filter (where not busy) as waiting
        from (
          select session_id, bool_or(status in ('queued', 'running')) as busy
          from agents where status in ('queued', 'running', 'waiting') group by session_id
        ) live`,
  );
  const row = result.rows[0];
  const working = Number(row?.working ?? 0);
  const waiting = Number(row?.waiting ?? 0);
  const total = Number(row?.total ?? 0);
  return [
    { state: "working", count: working },
    { state: "waiting", count: waiting },
    { state: "idle", count: Math.max(0, total - working - waiting) },
  ];
}

/** Workers queued for a slot under the concurrency caps. */
export async function queuedWorkerCount(db: Database): Promise<number> {
  const result = await db.execute<{ count: number | string }>(
    sql`select count(*) as count from agents where status = 'queued' and role = 'worker'`,
  );
  return Number(result.rows[0]?.count ?? 0);
}
