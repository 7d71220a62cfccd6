import path from "node:path";
import { drizzle as drizzleNodePostgres } from "drizzle-orm/node-postgres";
import { migrate as migrateNodePostgres } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { DatabaseHandle } from "./open-database.ts";
import { StorageError } from "./storage-error.ts";

/** The repository's `migrations/` folder, wherever the process was started from. */
export const migrationsFolder = path.resolve(import.meta.dirname, "../../../migrations");

/** Any fixed number shared by every Threadwork process: "threadwork" as digits. */
const migrationLockId = 7_468_727_261;

/**
 * Applies pending migrations; running it again is a no-op. On Postgres an advisory
 * lock serialises processes that start at once against one database.
 */
export async function migrateDatabase(handle: DatabaseHandle): Promise<void> {
  if (handle.kind === "pglite") {
    if (!handle.pglite) throw new StorageError("a PGlite handle without its PGlite instance");
    await migratePglite(drizzlePglite({ client: handle.pglite }), { migrationsFolder });
    return;
  }
  if (!handle.pool) throw new StorageError("a Postgres handle without its pool");
  const client = await handle.pool.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [migrationLockId]);
    try {
      await migrateNodePostgres(drizzleNodePostgres({ client }), { migrationsFolder });
    } finally {
      await client.query("select pg_advisory_unlock($1)", [migrationLockId]);
    }
  } finally {
    client.release();
  }
}
