import { and, count, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "./open-database.ts";
import { events } from "./schema.ts";

/** A runner's own failure, kept as a surface-less event so every instance counts the same ones. */
export const runnerFailedEventType = "runner-failed";

/** Records one failure of a runner at `step`; returns how many this agent has had at that step. */
export async function recordRunnerFailure(
  db: Database,
  agent: { id: string; sessionId: string; step: number },
  reason: string,
): Promise<number> {
  return db.transaction(async (transaction) => {
    await transaction.insert(events).values({
      sessionId: agent.sessionId,
      sourceAgentId: agent.id,
      targetAgentId: null,
      type: runnerFailedEventType,
      payload: { step: agent.step, reason },
      // Read by nobody: consumed at once, so the mailbox and the sweeper never see it.
      consumedAt: sql`now()`,
    });
    const [row] = await transaction
      .select({ failures: count() })
      .from(events)
      .where(
        and(
          eq(events.sourceAgentId, agent.id),
          eq(events.type, runnerFailedEventType),
          isNull(events.targetAgentId),
          sql`${events.payload}->>'step' = ${String(agent.step)}`,
        ),
      );
    return row?.failures ?? 0;
  });
}
