import { and, eq, sql } from "drizzle-orm";
import type { Database } from "./open-database.ts";
import { surfaceMessages } from "./schema.ts";
import { StorageError } from "./storage-error.ts";

type SurfaceMessageRow = typeof surfaceMessages.$inferSelect;

interface SurfaceMessageInput {
  sessionId: string;
  /** What the message is for, e.g. `status` or `request:<id>`; one message per purpose. */
  purpose: string;
  channel: string;
  /** The surface's id for the message, e.g. a Slack `ts`. */
  externalId: string;
  contentHash?: string | null;
}

export async function getSurfaceMessage(
  db: Database,
  sessionId: string,
  purpose: string,
): Promise<SurfaceMessageRow | undefined> {
  const [row] = await db
    .select()
    .from(surfaceMessages)
    .where(and(eq(surfaceMessages.sessionId, sessionId), eq(surfaceMessages.purpose, purpose)));
  return row;
}

/**
 * Records a message for a purpose unless one is recorded already. `claimed: false`
 * returns the message that won; the caller edits that one (and removes its own).
 */
export async function claimSurfaceMessage(
  db: Database,
  input: SurfaceMessageInput,
): Promise<{ claimed: boolean; message: SurfaceMessageRow }> {
  const [inserted] = await db.insert(surfaceMessages).values(input).onConflictDoNothing().returning();
  if (inserted) return { claimed: true, message: inserted };
  const existing = await getSurfaceMessage(db, input.sessionId, input.purpose);
  if (!existing) throw new StorageError("a conflicting surface message vanished", { purpose: input.purpose });
  return { claimed: false, message: existing };
}

/** Inserts or replaces the message recorded for a purpose. */
export async function saveSurfaceMessage(
  db: Database,
  input: SurfaceMessageInput,
): Promise<SurfaceMessageRow> {
  const [row] = await db
    .insert(surfaceMessages)
    .values(input)
    .onConflictDoUpdate({
      target: [surfaceMessages.sessionId, surfaceMessages.purpose],
      set: {
        channel: input.channel,
        externalId: input.externalId,
        contentHash: input.contentHash ?? null,
        updatedAt: sql`now()`,
      },
    })
    .returning();
  if (!row) throw new StorageError("upsert into surface_messages returned no row");
  return row;
}

/** The session whose message for `purpose` lives in `channel`, e.g. the session of a code channel. */
export async function findSessionOfSurfaceMessage(
  db: Database,
  purpose: string,
  channel: string,
): Promise<string | undefined> {
  const [row] = await db
    .select({ sessionId: surfaceMessages.sessionId })
    .from(surfaceMessages)
    .where(and(eq(surfaceMessages.purpose, purpose), eq(surfaceMessages.channel, channel)))
    .limit(1);
  return row?.sessionId;
}
