import { inArray } from "drizzle-orm";
import type { Database } from "./open-database.ts";
import { agents } from "./schema.ts";

/** The titles of the given agents in one query, keyed by agent id; unknown ids are absent. */
export async function agentTitles(db: Database, ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db
    .select({ id: agents.id, title: agents.title })
    .from(agents)
    .where(inArray(agents.id, unique));
  return new Map(rows.map((row) => [row.id, row.title]));
}
