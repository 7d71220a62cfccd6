import { randomBytes } from "node:crypto";
import pg from "pg";
import { pino } from "pino";
import { migrateDatabase } from "../../src/adapters/database/migrate.ts";
import {
  type DatabaseHandle,
  openDatabase,
  openMemoryDatabase,
} from "../../src/adapters/database/open-database.ts";

export interface BenchDatabase {
  handle: DatabaseHandle;
  /** Set on Postgres, so worker processes can connect to the same database. */
  url: string | undefined;
  close(): Promise<void>;
}

export interface BenchDatabaseFactory {
  kind: "postgres" | "pglite";
  /** The server the bench was given (DATABASE_URL), if any. */
  serverUrl: string | undefined;
  /** A fresh, migrated database for one row. */
  open(label: string): Promise<BenchDatabase>;
  /** Like `open`, but only creates the database and returns its URL (Postgres only). */
  create(label: string): Promise<{ url: string; drop(): Promise<void> }>;
  /** One in-memory PGlite for the whole run, opened on first use (quick runs). */
  shared(): Promise<DatabaseHandle>;
  /** Closes the shared database, if it was opened. */
  closeShared(): Promise<void>;
}

const silentLogger = pino({ level: "silent" });

function withDatabaseName(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function onServer(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * Postgres when DATABASE_URL is given: every row gets its own database next to it, so rows
 * never see each other's rows; PGlite in memory otherwise.
 */
export function benchDatabases(serverUrl: string | undefined): BenchDatabaseFactory {
  async function create(label: string) {
    if (!serverUrl) throw new Error("a Postgres database needs DATABASE_URL");
    const base = new URL(serverUrl).pathname.replace(/^\//, "") || "threadwork";
    const name = `${base}_${label}_${randomBytes(3).toString("hex")}`
      .replace(/[^a-z0-9_]/gi, "_")
      .toLowerCase();
    await onServer(serverUrl, `create database ${name}`);
    const url = withDatabaseName(serverUrl, name);
    const setup = await openDatabase({ url, dataDir: "", logger: silentLogger });
    await migrateDatabase(setup);
    await setup.close();
    return {
      url,
      drop: () => onServer(serverUrl, `drop database if exists ${name} with (force)`),
    };
  }
  let shared: Promise<DatabaseHandle> | undefined;
  return {
    kind: serverUrl ? "postgres" : "pglite",
    serverUrl,
    create,
    shared() {
      shared ??= openMemoryDatabase({ logger: silentLogger }).then(async (handle) => {
        await migrateDatabase(handle);
        return handle;
      });
      return shared;
    },
    async closeShared() {
      if (shared) await (await shared).close();
    },
    async open(label) {
      if (!serverUrl) {
        const handle = await openMemoryDatabase({ logger: silentLogger });
        await migrateDatabase(handle);
        return { handle, url: undefined, close: () => handle.close() };
      }
      const created = await create(label);
      const handle = await openDatabase({ url: created.url, dataDir: "", logger: silentLogger });
      return {
        handle,
        url: created.url,
        async close() {
          await handle.close();
          await created.drop();
        },
      };
    },
  };
}
