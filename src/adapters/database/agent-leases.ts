import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Database } from "./open-database.ts";
import { agents } from "./schema.ts";

/** Records a wake-up, so a runner about to let go looks at the agent again. */
export async function bumpWakeSeq(db: Database, id: string): Promise<void> {
  await db
    .update(agents)
    .set({ wakeSeq: sql`${agents.wakeSeq} + 1` })
    .where(eq(agents.id, id));
}

/** Takes the agent's lease when it is free or expired; returns the wake sequence seen. */
export async function takeLease(
  db: Database,
  id: string,
  owner: string,
  ttlMs: number,
): Promise<number | undefined> {
  const [row] = await db
    .update(agents)
    .set({ leaseOwner: owner, leaseExpiresAt: sql`now() + ${`${ttlMs} milliseconds`}::interval` })
    .where(and(eq(agents.id, id), or(isNull(agents.leaseOwner), lt(agents.leaseExpiresAt, sql`now()`))))
    .returning({ wakeSeq: agents.wakeSeq });
  return row?.wakeSeq;
}

/** Extends the lease; returns the agent's status, or undefined when the lease is no longer ours. */
export async function renewLease(
  db: Database,
  id: string,
  owner: string,
  ttlMs: number,
): Promise<string | undefined> {
  const [row] = await db
    .update(agents)
    .set({ leaseExpiresAt: sql`now() + ${`${ttlMs} milliseconds`}::interval` })
    .where(and(eq(agents.id, id), eq(agents.leaseOwner, owner)))
    .returning({ status: agents.status });
  return row?.status;
}

/**
 * Releases only when no wake-up arrived since `seenWakeSeq`; otherwise returns the new
 * sequence (undefined when the lease is no longer ours).
 */
export async function releaseLease(
  db: Database,
  id: string,
  owner: string,
  seenWakeSeq: number,
): Promise<{ released: true } | { released: false; wakeSeq: number | undefined }> {
  const released = await db
    .update(agents)
    .set({ leaseOwner: null, leaseExpiresAt: null })
    .where(and(eq(agents.id, id), eq(agents.leaseOwner, owner), eq(agents.wakeSeq, seenWakeSeq)))
    .returning({ id: agents.id });
  if (released.length === 1) return { released: true };
  const [current] = await db
    .select({ wakeSeq: agents.wakeSeq, leaseOwner: agents.leaseOwner })
    .from(agents)
    .where(eq(agents.id, id));
  if (current?.leaseOwner !== owner) return { released: false, wakeSeq: undefined };
  return { released: false, wakeSeq: current.wakeSeq };
}

/** Lets go whatever wake-ups arrived (stopping, or another runner moved the agent). */
export async function dropLease(db: Database, id: string, owner: string): Promise<void> {
  await db
    .update(agents)
    .set({ leaseOwner: null, leaseExpiresAt: null })
    .where(and(eq(agents.id, id), eq(agents.leaseOwner, owner)));
}

/** Lets go every lease `owner` still holds (a stopping instance), so other instances take them now. */
export async function releaseLeasesOf(db: Database, owner: string): Promise<string[]> {
  const released = await db
    .update(agents)
    .set({ leaseOwner: null, leaseExpiresAt: null })
    .where(eq(agents.leaseOwner, owner))
    .returning({ id: agents.id });
  return released.map((row) => row.id);
}
