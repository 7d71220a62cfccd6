import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Database } from "./open-database.ts";
import { preparedPerDatabase } from "./prepared.ts";
import { agents } from "./schema.ts";

/**
 * Records a wake-up, so a runner about to let go looks at the agent again; returns the new
 * sequence (undefined when the agent does not exist).
 */
export async function bumpWakeSeq(db: Database, id: string): Promise<number | undefined> {
  const [row] = await wakeSeqBump(db).execute({ id });
  return row?.wakeSeq;
}

// A runner's wake takes, renews and releases its lease: these are built once per database handle.
const wakeSeqBump = preparedPerDatabase((db) =>
  db
    .update(agents)
    .set({ wakeSeq: sql`${agents.wakeSeq} + 1` })
    .where(eq(agents.id, sql.placeholder("id")))
    .returning({ wakeSeq: agents.wakeSeq })
    .prepare("threadwork_wake_seq_bump_returning"),
);

const leaseTake = preparedPerDatabase((db) =>
  db
    .update(agents)
    .set({
      leaseOwner: sql`${sql.placeholder("owner")}`,
      leaseExpiresAt: sql`now() + ${sql.placeholder("ttl")}::interval`,
    })
    .where(
      and(
        eq(agents.id, sql.placeholder("id")),
        or(isNull(agents.leaseOwner), lt(agents.leaseExpiresAt, sql`now()`)),
      ),
    )
    .returning({ wakeSeq: agents.wakeSeq })
    .prepare("threadwork_lease_take"),
);

const leaseRenewal = preparedPerDatabase((db) =>
  db
    .update(agents)
    .set({ leaseExpiresAt: sql`now() + ${sql.placeholder("ttl")}::interval` })
    .where(and(eq(agents.id, sql.placeholder("id")), eq(agents.leaseOwner, sql.placeholder("owner"))))
    .returning({ status: agents.status })
    .prepare("threadwork_lease_renewal"),
);

const leaseRelease = preparedPerDatabase((db) =>
  db
    .update(agents)
    .set({ leaseOwner: null, leaseExpiresAt: null })
    .where(
      and(
        eq(agents.id, sql.placeholder("id")),
        eq(agents.leaseOwner, sql.placeholder("owner")),
        eq(agents.wakeSeq, sql.placeholder("seenWakeSeq")),
      ),
    )
    .returning({ id: agents.id })
    .prepare("threadwork_lease_release"),
);

function interval(ttlMs: number): string {
  return `${ttlMs} milliseconds`;
}

/** Takes the agent's lease when it is free or expired; returns the wake sequence seen. */
export async function takeLease(
  db: Database,
  id: string,
  owner: string,
  ttlMs: number,
): Promise<number | undefined> {
  const [row] = await leaseTake(db).execute({ id, owner, ttl: interval(ttlMs) });
  return row?.wakeSeq;
}

/** Extends the lease; returns the agent's status, or undefined when the lease is no longer ours. */
export async function renewLease(
  db: Database,
  id: string,
  owner: string,
  ttlMs: number,
): Promise<string | undefined> {
  const [row] = await leaseRenewal(db).execute({ id, owner, ttl: interval(ttlMs) });
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
  const released = await leaseRelease(db).execute({ id, owner, seenWakeSeq });
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
