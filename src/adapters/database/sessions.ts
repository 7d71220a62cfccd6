import { randomUUID } from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import type { Database } from "./open-database.ts";
import { whileSomeoneWaits } from "./pglite-turns.ts";
import { preparedPerDatabase } from "./prepared.ts";
import { sessions } from "./schema.ts";
import { StorageError } from "./storage-error.ts";

export type SessionRow = typeof sessions.$inferSelect;

interface NewSession {
  /** Defaults to a random UUID; tests pass their own. */
  id?: string;
  surface: string;
  conversationKey: string;
  ownerId: string;
  title?: string;
  status?: string;
  budgetMicros?: number | null;
  budgetTokens?: number | null;
  metadata?: Record<string, unknown>;
}

type SessionPatch = Partial<
  Pick<SessionRow, "title" | "status" | "budgetMicros" | "budgetTokens" | "metadata" | "ownerId">
>;

/**
 * Creates the session for a conversation, or finds the one another request created
 * first: two concurrent calls for one key yield one row, and only one sees `created`.
 */
export async function createSession(
  db: Database,
  input: NewSession,
): Promise<{ session: SessionRow; created: boolean }> {
  const [inserted] = await db
    .insert(sessions)
    .values({ ...input, id: input.id ?? randomUUID() })
    .onConflictDoNothing({ target: [sessions.surface, sessions.conversationKey] })
    .returning();
  if (inserted) return { session: inserted, created: true };
  const existing = await findSessionByKey(db, input.surface, input.conversationKey);
  if (!existing) throw new StorageError("a conflicting session vanished", { surface: input.surface });
  return { session: existing, created: false };
}

export async function findSessionByKey(
  db: Database,
  surface: string,
  conversationKey: string,
): Promise<SessionRow | undefined> {
  // A person's message looks its session up before the first sign it was seen: ahead of agents' work.
  const [row] = await whileSomeoneWaits(
    async () =>
      await db
        .select()
        .from(sessions)
        .where(and(eq(sessions.surface, surface), eq(sessions.conversationKey, conversationKey))),
  );
  return row;
}

const sessionById = preparedPerDatabase((db) =>
  db
    .select()
    .from(sessions)
    .where(eq(sessions.id, sql.placeholder("id")))
    .prepare("threadwork_session_by_id"),
);

/** Read on every model step (the budget check), so prepared once per database. */
export async function getSession(db: Database, id: string): Promise<SessionRow | undefined> {
  const [row] = await sessionById(db).execute({ id });
  return row;
}

/** Newest first; with `keyPrefix`, only sessions whose conversation key starts with it (one team's). */
export async function listSessionsForOwner(
  db: Database,
  ownerId: string,
  limit: number,
  keyPrefix?: string,
): Promise<SessionRow[]> {
  const owned = eq(sessions.ownerId, ownerId);
  return db
    .select()
    .from(sessions)
    .where(
      keyPrefix === undefined
        ? owned
        : and(owned, sql`left(${sessions.conversationKey}, ${keyPrefix.length}) = ${keyPrefix}`),
    )
    .orderBy(desc(sessions.createdAt), desc(sessions.id))
    .limit(limit);
}

export async function updateSession(
  db: Database,
  id: string,
  patch: SessionPatch,
): Promise<SessionRow | undefined> {
  const [row] = await db
    .update(sessions)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(eq(sessions.id, id))
    .returning();
  return row;
}

/** Deletes a session and, by cascade, everything that belongs to it. */
export async function deleteSession(db: Database, id: string): Promise<boolean> {
  const deleted = await db.delete(sessions).where(eq(sessions.id, id)).returning({ id: sessions.id });
  return deleted.length > 0;
}
