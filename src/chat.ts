/**
 * `npm run chat`: talk to a supervisor at the terminal. The embedded database under
 * THREADWORK_DATA_DIR is used unless DATABASE_URL is set; a provider key is required.
 */
// First, before anything that needs Node 24: an older Node stops here with a clear message.
import "./require-node-24.mjs";
import { hostname, userInfo } from "node:os";
import { describeFailure, readCommandLine, readConfigOrReport } from "./application/entry-point.ts";

async function main(): Promise<void> {
  if (!readCommandLine("chat")) return;
  const config = readConfigOrReport(["provider"]);
  if (!config) {
    process.exitCode = 1;
    return;
  }
  const { createLogger } = await import("./logger.ts");
  const { openDatabase } = await import("./adapters/database/open-database.ts");
  const { migrateDatabase } = await import("./adapters/database/migrate.ts");
  const { assembleRuntime } = await import("./application/assemble-runtime.ts");
  const { createTerminalSurface } = await import("./surfaces/terminal/terminal-surface.ts");
  const { reportSandbox } = await import("./application/report-sandbox.ts");
  const { prepareModels } = await import("./application/prepare-models.ts");

  // Logs go to stderr at warn and above, so they do not tear the conversation apart.
  const logger = createLogger({
    level: process.env.LOG_LEVEL ? config.logLevel : "warn",
    environment: config.environment,
    destination: { write: (line: string) => process.stderr.write(line) },
  });
  const settled = await prepareModels(config, { logger });
  const database = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir, logger });
  await migrateDatabase(database);
  // The same runtime as `npm start`: repositories in THREADWORK_REPOS get workspaces and coding tools.
  const { runtime, workspaceManager } = assembleRuntime({ config: settled, database, logger });
  if (workspaceManager) await reportSandbox({ git: config.git, logger });
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
  process.stderr.write(`threadwork chat failed: ${describeFailure(error)}\n`);
  process.exitCode = 1;
});
