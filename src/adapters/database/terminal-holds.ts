import { and, eq, sql } from "drizzle-orm";
import type { Database } from "./open-database.ts";
import { sessions } from "./schema.ts";

/**
 * A session continued at a terminal (`npm run chat -- --session <id>`): the chat holds it, so the
 * runtime serving the whole surface (the Slack app) leaves its agents to the chat, which shows
 * what they do. The hold lives in the session's metadata with an expiry in database time; the
 * chat renews it, and a chat that died lets it lapse, after which the Slack app runs the session
 * again.
 */
export interface TerminalHold {
  host: string;
  user: string;
  /** Who holds it: a new id per chat, so a chat releases only its own hold. */
  holder: string;
}

export const terminalHoldKey = "terminalHold";

/**
 * Takes or renews the hold for `seconds`; returns false when the session does not exist or another
 * chat holds it (the holder's hold has not expired).
 */
export async function holdSession(
  db: Database,
  sessionId: string,
  hold: TerminalHold,
  seconds: number,
): Promise<boolean> {
  const rows = await db
    .update(sessions)
    .set({
      metadata: sql`${sessions.metadata} || jsonb_build_object(${terminalHoldKey}::text, jsonb_build_object('host', ${hold.host}::text, 'user', ${hold.user}::text, 'holder', ${hold.holder}::text, 'until', (now() + make_interval(secs => ${seconds}::int))::text))`,
    })
    .where(
      and(
        eq(sessions.id, sessionId),
        sql`(not ${heldByTerminal()} or ${sessions.metadata}->${terminalHoldKey}->>'holder' = ${hold.holder})`,
      ),
    )
    .returning({ id: sessions.id });
  return rows.length > 0;
}

/** Ends the hold if it is still `holder`'s. */
export async function releaseSession(db: Database, sessionId: string, holder: string): Promise<void> {
  await db
    .update(sessions)
    .set({ metadata: sql`${sessions.metadata} - ${terminalHoldKey}::text` })
    .where(
      sql`${sessions.id} = ${sessionId} and ${sessions.metadata}->${terminalHoldKey}->>'holder' = ${holder}`,
    );
}

/** SQL that holds when the session row in scope is held by a terminal now. */
export function heldByTerminal(): ReturnType<typeof sql> {
  return sql`coalesce((${sessions.metadata}->${terminalHoldKey}->>'until')::timestamptz > now(), false)`;
}
