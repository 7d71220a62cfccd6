import { and, type Column, eq, type SQL, sql } from "drizzle-orm";
import type { Database } from "./open-database.ts";
import { agents, sessions } from "./schema.ts";
import { heldByTerminal } from "./terminal-holds.ts";

/**
 * The sessions one runtime serves: a surface's, or one conversation's. A process runs and
 * announces only these, so a chat at the terminal never resumes a Slack session's agents
 * (they would talk to nobody), and the Slack app never runs a terminal chat's.
 */
export interface SessionScope {
  surface: string;
  /** One conversation of that surface only. */
  conversationKey?: string;
}

/** SQL that holds when `sessionId` (a column) is a session in `scope`. */
export function sessionInScope(sessionId: Column, scope: SessionScope): SQL {
  // A whole surface's runtime leaves a session a terminal holds to that terminal's chat.
  const conversation =
    scope.conversationKey === undefined
      ? sql` and not ${heldByTerminal()}`
      : sql` and ${sessions.conversationKey} = ${scope.conversationKey}`;
  return sql`exists (select 1 from ${sessions} where ${sessions.id} = ${sessionId} and ${sessions.surface} = ${scope.surface}${conversation})`;
}

export async function agentInScope(db: Database, agentId: string, scope: SessionScope): Promise<boolean> {
  const rows = await db
    .select({ id: agents.id })
    .from(agents)
    .where(and(eq(agents.id, agentId), sessionInScope(agents.sessionId, scope)));
  return rows.length > 0;
}
