import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { redactSecrets } from "../../domain/secret-redaction.ts";
import type { TeamScope } from "../../domain/team-scope.ts";
import { redactedThreadMessage, type ThreadMessage, type ThreadPlace } from "../../domain/thread-messages.ts";
import type { Database } from "./open-database.ts";
import { threadHistoryReads, threadMessages } from "./schema.ts";

type ThreadMessageRow = typeof threadMessages.$inferSelect;

function sameInstallation(scope: TeamScope) {
  return and(
    eq(threadMessages.teamId, scope.teamId),
    scope.enterpriseId === undefined
      ? isNull(threadMessages.enterpriseId)
      : eq(threadMessages.enterpriseId, scope.enterpriseId),
  );
}

function messageOf(row: ThreadMessageRow): ThreadMessage {
  return {
    ts: row.ts,
    ...(row.userId ? { userId: row.userId } : {}),
    author: row.author,
    bot: row.bot,
    text: row.text,
    files: row.files,
    source: row.source === "history" ? "history" : "event",
    ...(row.sessionId ? { sessionId: row.sessionId } : {}),
  };
}

/**
 * Keeps messages of a thread, redacted. A message already kept (Slack's redelivery, or an event
 * that history also returned) is not duplicated; an event's copy takes its session when known.
 */
export async function recordThreadMessages(
  db: Database,
  thread: ThreadPlace,
  messages: readonly ThreadMessage[],
): Promise<void> {
  if (messages.length === 0) return;
  const rows = messages.map((message) => {
    const stored = redactedThreadMessage(message);
    return {
      teamId: thread.teamId,
      enterpriseId: thread.enterpriseId ?? null,
      channel: thread.channel,
      threadTs: thread.threadTs,
      ts: stored.ts,
      userId: stored.userId ?? null,
      author: stored.author,
      bot: stored.bot,
      text: stored.text,
      files: stored.files,
      source: stored.source,
      sessionId: stored.sessionId ?? null,
    };
  });
  await db
    .insert(threadMessages)
    .values(rows)
    .onConflictDoUpdate({
      target: [threadMessages.teamId, threadMessages.channel, threadMessages.ts],
      set: { sessionId: sql`coalesce(${threadMessages.sessionId}, excluded.session_id)` },
    });
}

/** A kept message was edited: its text is replaced, redacted. False when it was not kept. */
export async function reviseThreadMessage(
  db: Database,
  thread: ThreadPlace,
  ts: string,
  text: string,
): Promise<boolean> {
  const revised = await db
    .update(threadMessages)
    .set({ text: redactSecrets(text) })
    .where(
      and(
        sameInstallation(thread),
        eq(threadMessages.channel, thread.channel),
        eq(threadMessages.threadTs, thread.threadTs),
        eq(threadMessages.ts, ts),
      ),
    )
    .returning({ ts: threadMessages.ts });
  return revised.length > 0;
}

/** The thread's kept messages, oldest first. */
export async function listThreadMessages(db: Database, thread: ThreadPlace): Promise<ThreadMessage[]> {
  const rows = await db
    .select()
    .from(threadMessages)
    .where(
      and(
        sameInstallation(thread),
        eq(threadMessages.channel, thread.channel),
        eq(threadMessages.threadTs, thread.threadTs),
      ),
    )
    .orderBy(asc(sql`${threadMessages.ts}::numeric`));
  return rows.map(messageOf);
}

/** Whether the thread's earlier messages were read already, and whether completely. */
export async function threadHistoryRead(
  db: Database,
  thread: ThreadPlace,
): Promise<{ complete: boolean } | undefined> {
  const [row] = await db
    .select({ complete: threadHistoryReads.complete })
    .from(threadHistoryReads)
    .where(
      and(
        eq(threadHistoryReads.teamId, thread.teamId),
        thread.enterpriseId === undefined
          ? isNull(threadHistoryReads.enterpriseId)
          : eq(threadHistoryReads.enterpriseId, thread.enterpriseId),
        eq(threadHistoryReads.channel, thread.channel),
        eq(threadHistoryReads.threadTs, thread.threadTs),
      ),
    );
  return row;
}

/** Records that the thread's earlier messages were read; the first record stands. */
export async function recordThreadHistoryRead(
  db: Database,
  thread: ThreadPlace,
  complete: boolean,
): Promise<void> {
  await db
    .insert(threadHistoryReads)
    .values({
      teamId: thread.teamId,
      enterpriseId: thread.enterpriseId ?? null,
      channel: thread.channel,
      threadTs: thread.threadTs,
      complete,
    })
    .onConflictDoNothing();
}
