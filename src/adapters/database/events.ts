import { and, asc, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import type { Database } from "./open-database.ts";
import { preparedPerDatabase } from "./prepared.ts";
import { events } from "./schema.ts";
import type { StepRow } from "./step-row.ts";
import { StorageError } from "./storage-error.ts";

export type EventRow = typeof events.$inferSelect;

interface NewEvent {
  sessionId: string;
  sourceAgentId?: string | null;
  /** The agent this is input for; none means the event is for the surface. */
  targetAgentId?: string | null;
  type: string;
  payload?: Record<string, unknown>;
}

export async function enqueueEvent(db: Database, input: NewEvent): Promise<EventRow> {
  const [row] = await db.insert(events).values(input).returning();
  if (!row) throw new StorageError("insert into events returned no row");
  return row;
}

/** An agent's unread input, oldest first. */
const pendingEventsByAgent = preparedPerDatabase((db) =>
  db
    .select()
    .from(events)
    .where(and(eq(events.targetAgentId, sql.placeholder("agentId")), isNull(events.consumedAt)))
    .orderBy(asc(events.id))
    .prepare("threadwork_pending_events"),
);

export async function pendingEventsFor(db: Database, agentId: string): Promise<EventRow[]> {
  return pendingEventsByAgent(db).execute({ agentId });
}

/** Marks events as read; returns how many were still unread. */
export async function consumeEvents(db: Database, ids: number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const updated = await db
    .update(events)
    .set({ consumedAt: sql`now()` })
    .where(and(inArray(events.id, ids), isNull(events.consumedAt)))
    .returning({ id: events.id });
  return updated.length;
}

/**
 * `consumeEvents` as a row of the step's one-statement write: the events the step read are
 * marked consumed only when its step check passed.
 */
export function consumedEventsRow(ids: number[]): StepRow {
  return {
    kind: "consumed-events",
    build: (step, value) =>
      sql`update ${events} set consumed_at = now() from ${step}
        where ${events.id} in (select jsonb_array_elements_text(${value("ids")}::jsonb)::bigint)
          and ${events.consumedAt} is null`,
    values: { ids: JSON.stringify(ids) },
  };
}

/** Events for the surface after `afterId`, oldest first, for catching up after a restart. */
export async function surfaceEventsSince(
  db: Database,
  sessionId: string,
  afterId: number,
  limit = 500,
): Promise<EventRow[]> {
  return db
    .select()
    .from(events)
    .where(and(eq(events.sessionId, sessionId), isNull(events.targetAgentId), gt(events.id, afterId)))
    .orderBy(asc(events.id))
    .limit(limit);
}
