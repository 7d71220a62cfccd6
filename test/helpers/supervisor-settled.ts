import { and, eq, isNull } from "drizzle-orm";
import { quietEventTypes } from "../../src/adapters/database/agent-sweeps.ts";
import type { Database } from "../../src/adapters/database/open-database.ts";
import { agents, events } from "../../src/adapters/database/schema.ts";

/**
 * The session's supervisor holds no lease, is not about to run, and has no unread input that
 * starts a turn: whatever the messages so far were going to cost, they have cost.
 */
export async function supervisorSettled(db: Database, sessionId: string): Promise<boolean> {
  const [supervisor] = await db
    .select({ id: agents.id, leaseOwner: agents.leaseOwner, status: agents.status })
    .from(agents)
    .where(and(eq(agents.sessionId, sessionId), eq(agents.role, "supervisor")));
  if (!supervisor || supervisor.leaseOwner !== null) return false;
  if (supervisor.status === "running" || supervisor.status === "queued") return false;
  const unread = await db
    .select({ type: events.type })
    .from(events)
    .where(and(eq(events.targetAgentId, supervisor.id), isNull(events.consumedAt)));
  return unread.every((event) => quietEventTypes.includes(event.type));
}
