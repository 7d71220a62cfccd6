/**
 * `npm run chat`: talk to a supervisor at the terminal. The embedded database under
 * THREADWORK_DATA_DIR is used unless DATABASE_URL is set; a provider key is required.
 */
import { hostname, userInfo } from "node:os";
import { type Config, loadConfig } from "./config.ts";
import { ConfigurationError, ThreadworkError } from "./domain/errors.ts";
import { redactSecrets } from "./logger.ts";

function readConfig(): Config | undefined {
  try {
    return loadConfig(process.env, ["provider"]);
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
  const { createLogger } = await import("./logger.ts");
  const { openDatabase } = await import("./adapters/database/open-database.ts");
  const { migrateDatabase } = await import("./adapters/database/migrate.ts");
  const { createProviders } = await import("./adapters/providers/create-providers.ts");
  const { createRuntime } = await import("./runtime/create-runtime.ts");
  const { createTerminalSurface } = await import("./surfaces/terminal/terminal-surface.ts");

  // Logs go to stderr at warn and above, so they do not tear the conversation apart.
  const logger = createLogger({
    level: process.env.LOG_LEVEL ? config.logLevel : "warn",
    environment: config.environment,
    destination: { write: (line: string) => process.stderr.write(line) },
  });
  const database = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir, logger });
  await migrateDatabase(database);
  const providers = createProviders(config, { logger });
  const runtime = createRuntime({
    db: database.db,
    boss: database.createQueue(),
    resolveProvider: providers.resolveProvider,
    config,
    logger,
  });
  await runtime.start();
  const user = userInfo().username;
  const surface = createTerminalSurface({
    runtime,
    input: process.stdin,
    output: process.stdout,
    userId: user,
    // One conversation per user and machine; it resumes where it left off.
    key: {
      surface: "terminal",
      conversationKey: `${hostname()}:${user}:${process.env.THREADWORK_CHAT ?? "default"}`,
    },
  });
  try {
    await surface.run();
  } finally {
    await runtime.stop();
    await database.close();
  }
}

main().catch((error: unknown) => {
  const text = error instanceof ThreadworkError ? error.message : String((error as Error)?.stack ?? error);
  process.stderr.write(`threadwork chat failed: ${redactSecrets(text)}\n`);
  process.exitCode = 1;
});
