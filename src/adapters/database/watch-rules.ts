import { and, desc, eq, gt, sql } from "drizzle-orm";
import { z } from "zod";
import type { WatchRule, WatchRuleDefinition } from "../../domain/watch-rule.ts";
import type { Database } from "./open-database.ts";
import { watchRules, watchTriggers } from "./schema.ts";

const definitionSchema = z.object({
  request: z.string(),
  bots: z.array(z.string()),
  pattern: z.string().optional(),
  reaction: z.string().optional(),
  hourlyLimit: z.number().int().positive(),
  dedupSeconds: z.number().int().nonnegative(),
});

type RuleRow = typeof watchRules.$inferSelect;

function ruleOf(row: RuleRow): WatchRule | undefined {
  const definition = definitionSchema.safeParse(row.definition);
  if (!definition.success) return undefined;
  return {
    ...definition.data,
    id: row.id,
    channel: row.channel,
    ownerId: row.ownerId,
    source: row.source === "file" ? "file" : "command",
    status: row.status === "closed" ? "closed" : "active",
    ...(row.closedReason ? { closedReason: row.closedReason } : {}),
  };
}

function definitionOf(rule: WatchRuleDefinition) {
  const { request, bots, pattern, reaction, hourlyLimit, dedupSeconds } = rule;
  return { request, bots, pattern, reaction, hourlyLimit, dedupSeconds };
}

/**
 * Saves a rule. A `file` rule is replaced by the file's current definition on every start,
 * but a rule that closed itself stays closed until its id changes.
 */
export async function saveWatchRule(
  db: Database,
  rule: WatchRuleDefinition & { id: string; source: WatchRule["source"] },
): Promise<void> {
  await db
    .insert(watchRules)
    .values({
      id: rule.id,
      channel: rule.channel,
      ownerId: rule.ownerId,
      source: rule.source,
      definition: definitionOf(rule),
    })
    .onConflictDoUpdate({
      target: watchRules.id,
      set: { channel: rule.channel, ownerId: rule.ownerId, definition: definitionOf(rule) },
    });
}

/** The active rules of `channel` (every channel's when absent). */
export async function activeWatchRules(db: Database, channel?: string): Promise<WatchRule[]> {
  const rows = await db
    .select()
    .from(watchRules)
    .where(
      channel === undefined
        ? eq(watchRules.status, "active")
        : and(eq(watchRules.status, "active"), eq(watchRules.channel, channel)),
    )
    .orderBy(watchRules.createdAt, watchRules.id);
  return rows.flatMap((row) => ruleOf(row) ?? []);
}

export async function getWatchRule(db: Database, id: string): Promise<WatchRule | undefined> {
  const [row] = await db.select().from(watchRules).where(eq(watchRules.id, id));
  return row ? ruleOf(row) : undefined;
}

/** Closes an active rule; false when it was not active (closed already, or unknown). */
export async function closeWatchRule(db: Database, id: string, reason: string): Promise<boolean> {
  const rows = await db
    .update(watchRules)
    .set({ status: "closed", closedReason: reason })
    .where(and(eq(watchRules.id, id), eq(watchRules.status, "active")))
    .returning({ id: watchRules.id });
  return rows.length > 0;
}

/** What a matching alert may do. */
export type WatchClaim =
  | { kind: "start"; triggerId: string }
  /** The same alert within the dedup window: counted on the first one's trigger. */
  | {
      kind: "repeat";
      triggerId: string;
      /** Absent while the first alert's session is still starting. */
      started: { threadTs: string; sessionId: string } | undefined;
      repeats: number;
    }
  | { kind: "limited" }
  | { kind: "closed" };

/**
 * Claims a session start for `rule`, atomically across instances: the rule's row is locked,
 * so a burst of identical alerts delivered to several instances starts one session, and no
 * more than `hourlyLimit` start in any hour.
 */
export async function claimWatchTrigger(
  db: Database,
  claim: { ruleId: string; fingerprint: string; now: Date; triggerId: string },
): Promise<WatchClaim> {
  return db.transaction(async (transaction): Promise<WatchClaim> => {
    const [row] = await transaction
      .select()
      .from(watchRules)
      .where(eq(watchRules.id, claim.ruleId))
      .for("update");
    const rule = row ? ruleOf(row) : undefined;
    if (rule?.status !== "active") return { kind: "closed" };
    const dedupSince = new Date(claim.now.getTime() - rule.dedupSeconds * 1000);
    const [earlier] = await transaction
      .select()
      .from(watchTriggers)
      .where(
        and(
          eq(watchTriggers.ruleId, rule.id),
          eq(watchTriggers.fingerprint, claim.fingerprint),
          gt(watchTriggers.startedAt, dedupSince),
        ),
      )
      .orderBy(desc(watchTriggers.startedAt))
      .limit(1);
    if (earlier) {
      const [updated] = await transaction
        .update(watchTriggers)
        .set({ repeats: sql`${watchTriggers.repeats} + 1` })
        .where(eq(watchTriggers.id, earlier.id))
        .returning();
      const threadTs = updated?.threadTs;
      const sessionId = updated?.sessionId;
      return {
        kind: "repeat",
        triggerId: earlier.id,
        started: threadTs && sessionId ? { threadTs, sessionId } : undefined,
        repeats: updated?.repeats ?? earlier.repeats + 1,
      };
    }
    const hourAgo = new Date(claim.now.getTime() - 3600 * 1000);
    const [counted] = await transaction
      .select({ count: sql<string>`count(*)` })
      .from(watchTriggers)
      .where(and(eq(watchTriggers.ruleId, rule.id), gt(watchTriggers.startedAt, hourAgo)));
    if (Number(counted?.count ?? 0) >= rule.hourlyLimit) return { kind: "limited" };
    await transaction.insert(watchTriggers).values({
      id: claim.triggerId,
      ruleId: rule.id,
      fingerprint: claim.fingerprint,
      startedAt: claim.now,
    });
    return { kind: "start", triggerId: claim.triggerId };
  });
}

/**
 * The started session's thread, where later repeats are counted; resets the failure count.
 * Returns the repeats counted while the session was starting.
 */
export async function recordWatchStarted(
  db: Database,
  triggerId: string,
  started: { threadTs: string; sessionId: string },
): Promise<number> {
  const [trigger] = await db
    .update(watchTriggers)
    .set({ threadTs: started.threadTs, sessionId: started.sessionId })
    .where(eq(watchTriggers.id, triggerId))
    .returning({ ruleId: watchTriggers.ruleId, repeats: watchTriggers.repeats });
  if (!trigger) return 0;
  await db.update(watchRules).set({ consecutiveFailures: 0 }).where(eq(watchRules.id, trigger.ruleId));
  return trigger.repeats;
}

/** A start that failed: returns the rule's consecutive failures, this one included. */
export async function recordWatchFailure(db: Database, ruleId: string): Promise<number> {
  const [row] = await db
    .update(watchRules)
    .set({ consecutiveFailures: sql`${watchRules.consecutiveFailures} + 1` })
    .where(eq(watchRules.id, ruleId))
    .returning({ failures: watchRules.consecutiveFailures });
  return row?.failures ?? 0;
}
