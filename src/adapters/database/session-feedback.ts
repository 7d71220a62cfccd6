import { inArray, sql } from "drizzle-orm";
import type { FeedbackCounts, FeedbackValue } from "../../domain/feedback.ts";
import type { Database } from "./open-database.ts";
import { sessionFeedback } from "./schema.ts";

interface FeedbackInput {
  sessionId: string;
  messageId: string;
  userId: string;
  value: FeedbackValue;
}

/** Records a person's rating of a message; a second click by the same person replaces the first. */
export async function recordFeedback(db: Database, input: FeedbackInput): Promise<void> {
  await db
    .insert(sessionFeedback)
    .values(input)
    .onConflictDoUpdate({
      target: [sessionFeedback.sessionId, sessionFeedback.messageId, sessionFeedback.userId],
      set: { value: input.value, updatedAt: sql`now()` },
    });
}

/** Positive and negative ratings per session, in one query; sessions without any are absent. */
export async function feedbackCounts(
  db: Database,
  sessionIds: readonly string[],
): Promise<Map<string, FeedbackCounts>> {
  const unique = [...new Set(sessionIds)];
  if (unique.length === 0) return new Map();
  const rows = await db
    .select({
      sessionId: sessionFeedback.sessionId,
      positive: sql<number>`count(*) filter (where ${sessionFeedback.value} = 'positive')`.mapWith(Number),
      negative: sql<number>`count(*) filter (where ${sessionFeedback.value} = 'negative')`.mapWith(Number),
    })
    .from(sessionFeedback)
    .where(inArray(sessionFeedback.sessionId, unique))
    .groupBy(sessionFeedback.sessionId);
  return new Map(rows.map((row) => [row.sessionId, { positive: row.positive, negative: row.negative }]));
}
