import { lt } from "drizzle-orm";
import type { Database } from "./open-database.ts";
import { whileSomeoneWaits } from "./pglite-turns.ts";
import { processedEvents } from "./schema.ts";

/**
 * True only for the first claim of an inbound event id: Slack retries and duplicates get false.
 * A person waits on it for the first sign their message was seen, so it goes ahead of agents' work.
 */
export async function claimInboundEvent(db: Database, source: string, eventId: string): Promise<boolean> {
  const inserted = await whileSomeoneWaits(
    async () =>
      await db
        .insert(processedEvents)
        .values({ source, eventId })
        .onConflictDoNothing()
        .returning({ eventId: processedEvents.eventId }),
  );
  return inserted.length > 0;
}

/** Forgets ids received before `before`; returns how many. Retries arrive within minutes. */
export async function pruneInboundEvents(db: Database, before: Date): Promise<number> {
  const deleted = await db
    .delete(processedEvents)
    .where(lt(processedEvents.receivedAt, before))
    .returning({ eventId: processedEvents.eventId });
  return deleted.length;
}
