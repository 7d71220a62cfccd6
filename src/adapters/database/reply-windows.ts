import { sql } from "drizzle-orm";
import type { Database } from "./open-database.ts";
import { replyWindows } from "./schema.ts";
import { StorageError } from "./storage-error.ts";

/**
 * Counts one more under `key` and returns the count in the current window, this one included.
 * A window starts with the first count after the previous one ended; one statement, so
 * instances sharing the database never both see the same count.
 */
export async function countInWindow(
  db: Database,
  key: string,
  window: { now: Date; lengthMs: number },
): Promise<number> {
  const now = window.now.toISOString();
  const ended = sql`${replyWindows.windowStartedAt} <= ${now}::timestamptz - ${window.lengthMs} * interval '1 millisecond'`;
  const [row] = await db
    .insert(replyWindows)
    .values({ key, windowStartedAt: window.now, count: 1 })
    .onConflictDoUpdate({
      target: replyWindows.key,
      set: {
        windowStartedAt: sql`case when ${ended} then ${now}::timestamptz else ${replyWindows.windowStartedAt} end`,
        count: sql`case when ${ended} then 1 else ${replyWindows.count} + 1 end`,
      },
    })
    .returning({ count: replyWindows.count });
  if (!row) throw new StorageError("insert into reply_windows returned no row");
  return row.count;
}
