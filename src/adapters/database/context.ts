import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { Database } from "./open-database.ts";
import { contextEntries } from "./schema.ts";
import { StorageError } from "./storage-error.ts";

type ContextEntry = typeof contextEntries.$inferSelect;

const maximumAttempts = 50;

/**
 * Adds a new version of `key` (the previous newest + 1). Concurrent writers race for
 * the same version; the loser's insert does nothing and it tries the next version.
 */
export async function writeContext(
  db: Database,
  sessionId: string,
  key: string,
  value: string,
  authorAgentId: string | null = null,
): Promise<ContextEntry> {
  for (let attempt = 0; attempt < maximumAttempts; attempt += 1) {
    const [row] = await db
      .insert(contextEntries)
      .values({
        sessionId,
        key,
        value,
        authorAgentId,
        version: sql`(select coalesce(max(${contextEntries.version}), 0) + 1 from ${contextEntries} where ${contextEntries.sessionId} = ${sessionId} and ${contextEntries.key} = ${key})`,
      })
      .onConflictDoNothing()
      .returning();
    if (row) return row;
  }
  throw new StorageError("could not write a context version under contention", { sessionId, key });
}

/** The newest version of one key, or undefined when it was never written. */
export async function readContext(
  db: Database,
  sessionId: string,
  key: string,
): Promise<ContextEntry | undefined>;
/** The newest version of every key, ordered by key. */
export async function readContext(db: Database, sessionId: string): Promise<ContextEntry[]>;
export async function readContext(
  db: Database,
  sessionId: string,
  key?: string,
): Promise<ContextEntry | undefined | ContextEntry[]> {
  if (key !== undefined) {
    const [row] = await db
      .select()
      .from(contextEntries)
      .where(and(eq(contextEntries.sessionId, sessionId), eq(contextEntries.key, key)))
      .orderBy(desc(contextEntries.version))
      .limit(1);
    return row;
  }
  return db
    .selectDistinctOn([contextEntries.key])
    .from(contextEntries)
    .where(eq(contextEntries.sessionId, sessionId))
    .orderBy(asc(contextEntries.key), desc(contextEntries.version));
}

/** Every version of one key, oldest first. */
export async function contextHistory(db: Database, sessionId: string, key: string): Promise<ContextEntry[]> {
  return db
    .select()
    .from(contextEntries)
    .where(and(eq(contextEntries.sessionId, sessionId), eq(contextEntries.key, key)))
    .orderBy(asc(contextEntries.version));
}
