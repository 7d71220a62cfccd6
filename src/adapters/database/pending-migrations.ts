import { readFile } from "node:fs/promises";
import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { migrationsFolder } from "./migrate.ts";
import type { Database } from "./open-database.ts";

/**
 * The migrations in `migrations/` the database has not applied, by tag, oldest first. Read
 * the way drizzle's migrator decides: anything newer than the last applied one is pending.
 */
export async function pendingMigrations(db: Database): Promise<string[]> {
  const files = readMigrationFiles({ migrationsFolder });
  const journal = await readFile(`${migrationsFolder}/meta/_journal.json`, "utf8");
  const tags = new Map<number, string>(
    (JSON.parse(journal) as { entries: { when: number; tag: string }[] }).entries.map((entry) => [
      entry.when,
      entry.tag,
    ]),
  );
  const exists = await db.execute<{ found: string | null }>(
    sql`select to_regclass('drizzle.__drizzle_migrations')::text as found`,
  );
  let lastApplied = -1;
  if (exists.rows[0]?.found) {
    const last = await db.execute<{ created_at: string | number | null }>(
      sql`select max(created_at) as created_at from drizzle.__drizzle_migrations`,
    );
    lastApplied = Number(last.rows[0]?.created_at ?? -1);
  }
  return files
    .filter((file) => file.folderMillis > lastApplied)
    .map((file) => tags.get(file.folderMillis) ?? String(file.folderMillis));
}
