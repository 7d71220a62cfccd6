import { and, desc, eq } from "drizzle-orm";
import type { EventRow } from "./events.ts";
import type { Database } from "./open-database.ts";
import { events } from "./schema.ts";

/** The newest person's message delivered to an agent, read or not: what a retry sends again. */
export async function lastUserMessageFor(db: Database, agentId: string): Promise<EventRow | undefined> {
  const [row] = await db
    .select()
    .from(events)
    .where(and(eq(events.targetAgentId, agentId), eq(events.type, "user-message")))
    .orderBy(desc(events.id))
    .limit(1);
  return row;
}
