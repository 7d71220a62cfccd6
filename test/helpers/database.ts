import { randomBytes } from "node:crypto";
import pg from "pg";
import { pino } from "pino";
import { migrateDatabase } from "../../src/adapters/database/migrate.ts";
import {
  type DatabaseHandle,
  openDatabase,
  openMemoryDatabase,
} from "../../src/adapters/database/open-database.ts";

/** Every storage-backed test runs on both: `describe.each(backends)`. */
export const backends = ["postgres", "pglite"] as const;
export type Backend = (typeof backends)[number];

export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

const silentLogger = pino({ level: "silent" });

function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function onServer<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, migrated database. On Postgres it is a new database `tw_<random>` on the
 * TEST_DATABASE_URL server, dropped again by `close()`; on PGlite it lives in memory.
 */
export async function createTestDatabase(kind: Backend): Promise<DatabaseHandle> {
  if (kind === "pglite") {
    const handle = await openMemoryDatabase({ logger: silentLogger });
    await migrateDatabase(handle);
    return handle;
  }
  const name = `tw_${randomBytes(6).toString("hex")}`;
  await onServer((client) => client.query(`create database ${name}`));
  const handle = await openDatabase({
    url: databaseUrl(testDatabaseUrl, name),
    dataDir: "",
    logger: silentLogger,
  });
  await migrateDatabase(handle);
  return {
    ...handle,
    async close() {
      await handle.close();
      await onServer((client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** An empty database `tw_<random>` on the TEST_DATABASE_URL server, for a process that migrates it itself. */
export async function createEmptyPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `tw_${randomBytes(6).toString("hex")}`;
  await onServer((client) => client.query(`create database ${name}`));
  return {
    url: databaseUrl(testDatabaseUrl, name),
    drop: () =>
      onServer((client) => client.query(`drop database if exists ${name} with (force)`)).then(
        () => undefined,
      ),
  };
}
