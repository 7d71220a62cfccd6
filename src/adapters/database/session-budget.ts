import { and, desc, eq, gt } from "drizzle-orm";
import type { AgentRow } from "./agents.ts";
import type { Database } from "./open-database.ts";
import type { RequestRow } from "./requests.ts";
import { events, requests } from "./schema.ts";

/** The session's pending budget request; there is at most one, whichever agent hit the limit. */
export async function pendingBudgetRequest(db: Database, sessionId: string): Promise<RequestRow | undefined> {
  const [row] = await db
    .select()
    .from(requests)
    .where(
      and(eq(requests.sessionId, sessionId), eq(requests.kind, "budget"), eq(requests.status, "pending")),
    )
    .limit(1);
  return row;
}

/** Whether the session's budget was stopped after the supervisor's latest user message. */
export async function stoppedSinceLastUserMessage(
  db: Database,
  supervisor: Pick<AgentRow, "id" | "sessionId">,
): Promise<boolean> {
  const [stopped] = await db
    .select({ decidedAt: requests.decidedAt })
    .from(requests)
    .where(
      and(
        eq(requests.sessionId, supervisor.sessionId),
        eq(requests.kind, "budget"),
        eq(requests.status, "stopped"),
      ),
    )
    .orderBy(desc(requests.decidedAt))
    .limit(1);
  if (!stopped?.decidedAt) return false;
  const newer = await db
    .select({ id: events.id })
    .from(events)
    .where(
      and(
        eq(events.targetAgentId, supervisor.id),
        eq(events.type, "user-message"),
        gt(events.createdAt, stopped.decidedAt),
      ),
    )
    .limit(1);
  return newer.length === 0;
}
