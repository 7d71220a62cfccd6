import { randomBytes } from "node:crypto";
import { pino } from "pino";
import { migrateDatabase } from "../../src/adapters/database/migrate.ts";
import {
  type DatabaseHandle,
  openDatabase,
  openMemoryDatabase,
} from "../../src/adapters/database/open-database.ts";
import {
  databaseUrl,
  onServer,
  postgresTemplateName,
  readPgliteTemplate,
  testDatabaseUrl,
  whileInUse,
} from "./database-templates.ts";

export { testDatabaseUrl };

/** Every storage-backed test runs on both: `describe.each(backends)`. */
export const backends = ["postgres", "pglite"] as const;
export type Backend = (typeof backends)[number];

const silentLogger = pino({ level: "silent" });

/** A database `tw_<random>` on the TEST_DATABASE_URL server: a copy of the migrated template when there is one. */
async function createPostgresDatabase(): Promise<string> {
  const name = `tw_${randomBytes(6).toString("hex")}`;
  try {
    await onServer((client) =>
      whileInUse(() => client.query(`create database ${name} template ${postgresTemplateName}`)),
    );
    return name;
  } catch (error) {
    if ((error as { code?: string }).code !== undefinedDatabase) throw error;
  }
  await onServer((client) => client.query(`create database ${name}`));
  return name;
}

const undefinedDatabase = "3D000";

/**
 * A fresh, migrated database. On Postgres it is a new database `tw_<random>` on the
 * TEST_DATABASE_URL server, dropped again by `close()`; on PGlite it lives in memory. Both start
 * from the templates the global set-up built (test/helpers/database-templates.ts), or migrate
 * from empty without them.
 */
export async function createTestDatabase(kind: Backend): Promise<DatabaseHandle> {
  if (kind === "pglite") {
    const template = await readPgliteTemplate();
    const handle = await openMemoryDatabase({
      logger: silentLogger,
      ...(template ? { loadDataDir: template } : {}),
    });
    // On the template a no-op that checks every migration is recorded.
    await migrateDatabase(handle);
    return handle;
  }
  const name = await createPostgresDatabase();
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
