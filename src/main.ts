import type { DatabaseHandle } from "./adapters/database/open-database.ts";
import { type Config, loadConfig } from "./config.ts";
import { ConfigurationError, ThreadworkError } from "./domain/errors.ts";
import { type Logger, redactSecrets } from "./logger.ts";

export interface Application {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  /** Stops everything `start` started, newest first. */
  stop(): Promise<void>;
}

/** Opens and migrates the database; the runtime and the Slack surface are started here too. */
export async function start(config: Config, options: { logger?: Logger } = {}): Promise<Application> {
  // Loaded here, not at the top, so a configuration error is reported without loading them.
  const { createLogger } = await import("./logger.ts");
  const { openDatabase } = await import("./adapters/database/open-database.ts");
  const { migrateDatabase } = await import("./adapters/database/migrate.ts");
  const logger = options.logger ?? createLogger({ level: config.logLevel, environment: config.environment });
  const database = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir, logger });
  try {
    await migrateDatabase(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  logger.info(
    { database: database.kind, dataDir: database.kind === "pglite" ? config.database.dataDir : undefined },
    "threadwork is ready",
  );
  return {
    config,
    logger,
    database,
    async stop() {
      await database.close();
    },
  };
}

function readConfig(): Config | undefined {
  try {
    return loadConfig(process.env, ["provider", "slack"]);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return undefined;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  if (!config) {
    process.exitCode = 1;
    return;
  }
  let application: Application;
  try {
    application = await start(config);
  } catch (error) {
    // Our own errors explain themselves; anything else needs its stack.
    const text = error instanceof ThreadworkError ? error.message : String((error as Error)?.stack ?? error);
    process.stderr.write(`Threadwork could not start: ${redactSecrets(text)}\n`);
    process.exitCode = 1;
    return;
  }
  // Holds the process open until a signal, whatever start() wires in.
  const keepAlive = setInterval(() => {}, 1 << 30);
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    application.logger.info({ signal }, "shutting down");
    clearInterval(keepAlive);
    application.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        application.logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

if (import.meta.main) await main();
