import { and, asc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Database } from "./open-database.ts";
import { agents, events } from "./schema.ts";
import { type SessionScope, sessionInScope } from "./session-scope.ts";

/**
 * Event types that do not make an agent take a turn; they ride along with the next one.
 * `held-reply`: a thread reply from someone who may not steer, past their rate (runtime/reply-limits.ts).
 * `thread-aside`: a reply addressed to someone else; `steer-note`: what a person told a worker (runtime/steer.ts).
 */
export const quietEventTypes: readonly string[] = [
  "agent-progress",
  "held-reply",
  "thread-aside",
  "steer-note",
];

/**
 * Agents that need a runner and have none: active ones with a free or expired lease,
 * waiting or idle ones past their deadline, idle ones with an unread waking event.
 */
export async function agentsToSweep(db: Database, limit: number, scope?: SessionScope): Promise<string[]> {
  const noLease = or(isNull(agents.leaseOwner), lt(agents.leaseExpiresAt, sql`now()`));
  const quiet = sql.join(
    quietEventTypes.map((type) => sql`${type}`),
    sql`, `,
  );
  const hasWakingEvent = sql`exists (select 1 from ${events} where ${events.targetAgentId} = ${agents.id} and ${events.consumedAt} is null and ${events.type} not in (${quiet}))`;
  const rows = await db
    .select({ id: agents.id })
    .from(agents)
    .where(
      and(
        noLease,
        scope ? sessionInScope(agents.sessionId, scope) : undefined,
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
