import { and, count, eq, inArray } from "drizzle-orm";
import type { AgentRole, AgentStatus } from "../../domain/agents.ts";
import type { Database } from "./open-database.ts";
import { agents, requests } from "./schema.ts";

interface SessionWork {
  agents: { role: AgentRole; status: AgentStatus }[];
  pendingRequests: number;
}

/** Each session's agents (role and status only) and pending requests, in two queries for all of them. */
export async function sessionWork(db: Database, sessionIds: string[]): Promise<Map<string, SessionWork>> {
  const work = new Map<string, SessionWork>(sessionIds.map((id) => [id, { agents: [], pendingRequests: 0 }]));
  if (sessionIds.length === 0) return work;
  const [agentRows, requestRows] = await Promise.all([
    db
      .select({ sessionId: agents.sessionId, role: agents.role, status: agents.status })
      .from(agents)
      .where(inArray(agents.sessionId, sessionIds)),
    db
      .select({ sessionId: requests.sessionId, pending: count() })
      .from(requests)
      .where(and(inArray(requests.sessionId, sessionIds), eq(requests.status, "pending")))
      .groupBy(requests.sessionId),
  ]);
  for (const row of agentRows) work.get(row.sessionId)?.agents.push({ role: row.role, status: row.status });
  for (const row of requestRows) {
    const entry = work.get(row.sessionId);
    if (entry) entry.pendingRequests = Number(row.pending);
  }
  return work;
}
