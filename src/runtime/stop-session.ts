import { type AgentRow, listAgentsForSession } from "../adapters/database/agents.ts";
import type { Database } from "../adapters/database/open-database.ts";
import { getSession, updateSession } from "../adapters/database/sessions.ts";
import { isTerminal } from "../domain/agent-state.ts";
import { auditDecision, stopAllDetail } from "./audit-decisions.ts";
import type { RuntimeKernel } from "./kernel.ts";

/**
 * Stop all: closes the session until its next message, and records who stopped it in the same
 * transaction. A Stop that changes nothing (the session was closed and no worker was left) is not
 * recorded again.
 */
export async function closeStoppedSession(
  kernel: RuntimeKernel,
  sessionId: string,
  userId: string,
): Promise<void> {
  const agents = await listAgentsForSession(kernel.db, sessionId);
  const live = agents.filter((agent) => agent.role === "worker" && !isTerminal(agent.status));
  await kernel.db.transaction(async (db) => {
    const session = await getSession(db, sessionId);
    if (!session) return;
    await updateSession(db, sessionId, { status: "closed" });
    if (session.status === "closed" && live.length === 0) return;
    await auditDecision(db, sessionId, { action: "stop", actorId: userId, detail: stopAllDetail(live) });
  });
}

/** Records the Stop of one agent inside the transaction that cancels it. */
export function auditStopOfOne(userId: string): (db: Database, agent: AgentRow) => Promise<void> {
  return (db, agent) =>
    auditDecision(db, agent.sessionId, {
      action: "stop",
      actorId: userId,
      detail: `Stopped ${agent.title} (${agent.id})`,
    });
}
