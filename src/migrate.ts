// First, before anything that needs Node 24: an older Node stops here with a clear message.
import "./require-node-24.mjs";
import { migrateDatabase } from "./adapters/database/migrate.ts";
import { openDatabase } from "./adapters/database/open-database.ts";
import { readCommandLine, readConfigOrReport } from "./application/entry-point.ts";
import { ThreadworkError } from "./domain/errors.ts";
import { createLogger } from "./logger.ts";

/** `npm run db:migrate`: applies the migrations to DATABASE_URL, or to the embedded database. */
async function main(): Promise<void> {
  if (!readCommandLine("migrate")) return;
  const config = readConfigOrReport([]);
  if (!config) {
    process.exitCode = 1;
    return;
  }
  const logger = createLogger({ level: config.logLevel, environment: config.environment });
  let database: Awaited<ReturnType<typeof openDatabase>>;
  try {
    database = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir, logger });
  } catch (error) {
    if (!(error instanceof ThreadworkError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
    return;
  }
  try {
    await migrateDatabase(database);
    logger.info(
      { database: database.kind, dataDir: database.kind === "pglite" ? config.database.dataDir : undefined },
      "migrations applied",
    );
  } finally {
    await database.close();
  }
}

await main();
