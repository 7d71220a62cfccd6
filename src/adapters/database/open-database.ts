import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { Assume } from "drizzle-orm";
import { drizzle as drizzleNodePostgres } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import pg from "pg";
import { type ConstructorOptions, fromPglite, PgBoss } from "pg-boss";
import { type Logger, pino } from "pino";
import { lockDataDirectory } from "./data-directory-lock.ts";
import { initialiseDataDirectory } from "./initialise-data-directory.ts";
import { takeTurns } from "./pglite-turns.ts";
import * as schema from "./schema.ts";

/** What both drivers' raw query results share, so `db.execute<Row>()` yields typed rows. */
interface RowsQueryResultHKT extends PgQueryResultHKT {
  readonly type: RowsResult<Assume<this["row"], Record<string, unknown>>>;
}

export interface RowsResult<Row> {
  rows: Row[];
}

/** One type for both drivers; a transaction has the same type, so repositories accept either. */
export type Database = PgDatabase<RowsQueryResultHKT, typeof schema>;

/** pg-boss settings a caller may choose; the connection comes from the handle. */
type QueueOptions = Omit<ConstructorOptions, "db" | "connectionString" | "useListenNotify">;

export interface DatabaseHandle {
  db: Database;
  kind: "postgres" | "pglite";
  pglite?: PGlite;
  pool?: pg.Pool;
  /** Builds a pg-boss instance on this database with LISTEN/NOTIFY on; the caller starts it. */
  createQueue(options?: QueueOptions): PgBoss;
  /** Stops every queue built here, then closes the connections. */
  close(): Promise<void>;
}

interface OpenDatabaseOptions {
  /** A postgres:// URL; without it the embedded PGlite under `dataDir` is used. */
  url: string | undefined;
  dataDir: string;
  logger: Logger;
}

function queueFactory(
  logger: Logger,
  build: (options: QueueOptions) => PgBoss,
): { createQueue(options?: QueueOptions): PgBoss; stopQueues(): Promise<void> } {
  const queues: PgBoss[] = [];
  return {
    createQueue(options = {}) {
      const queue = build(options);
      // An unhandled "error" event would crash the process; pg-boss recovers on its own.
      queue.on("error", (error) => logger.error({ err: error }, "queue error"));
      queue.on("warning", (warning) => logger.warn({ warning }, "queue warning"));
      queues.push(queue);
      return queue;
    },
    async stopQueues() {
      await Promise.all(
        queues.splice(0).map((queue) =>
          queue.stop({ graceful: false, timeout: 1000 }).catch((error: unknown) => {
            logger.warn({ err: error }, "queue did not stop cleanly");
          }),
        ),
      );
    },
  };
}

function openPostgres(url: string, logger: Logger): DatabaseHandle {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // Idle clients can fail when the server restarts; the pool replaces them.
  pool.on("error", (error) => logger.error({ err: error }, "postgres pool error"));
  const db: Database = drizzleNodePostgres({ client: pool, schema });
  const queues = queueFactory(
    logger,
    (options) => new PgBoss({ max: 4, ...options, connectionString: url, useListenNotify: true }),
  );
  return {
    db,
    kind: "postgres",
    pool,
    createQueue: queues.createQueue,
    async close() {
      await queues.stopQueues();
      await pool.end();
    },
  };
}

async function openPglite(
  dataDir: string | undefined,
  logger: Logger,
  onClose: () => Promise<void> = async () => {},
  loadDataDir?: Blob,
): Promise<DatabaseHandle> {
  const pglite = takeTurns(await PGlite.create(dataDir, loadDataDir ? { loadDataDir } : {}));
  const db: Database = drizzlePglite({ client: pglite, schema });
  const queues = queueFactory(
    logger,
    (options) => new PgBoss({ ...options, db: fromPglite(pglite), useListenNotify: true }),
  );
  return {
    db,
    kind: "pglite",
    pglite,
    createQueue: queues.createQueue,
    async close() {
      await queues.stopQueues();
      if (!pglite.closed) await pglite.close();
      await onClose();
    },
  };
}

/** Opens Postgres when a URL is given, otherwise the embedded PGlite at `<dataDir>/pgdata`. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) {
    options.logger.debug("opening postgres");
    return openPostgres(options.url, options.logger);
  }
  const directory = path.join(options.dataDir, "pgdata");
  await mkdir(directory, { recursive: true });
  const lock = await lockDataDirectory(path.join(options.dataDir, "pgdata.lock"));
  options.logger.debug({ directory }, "opening embedded database");
  try {
    await initialiseDataDirectory(directory);
    return await openPglite(directory, options.logger, () => lock.release());
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/** An in-memory PGlite, for tests; `loadDataDir` starts it from a dumped data directory instead of an empty one. */
export async function openMemoryDatabase(
  options: { logger?: Logger; loadDataDir?: Blob } = {},
): Promise<DatabaseHandle> {
  return openPglite(undefined, options.logger ?? pino({ level: "silent" }), undefined, options.loadDataDir);
}
