// First, before anything that needs Node 24: an older Node stops here with a clear message.
import "./require-node-24.mjs";
import { join } from "node:path";
import type { DatabaseHandle } from "./adapters/database/open-database.ts";
import { describeFailure, readCommandLine, readConfigOrReport } from "./application/entry-point.ts";
import type { RunningParts } from "./application/shutdown.ts";
import type { Config } from "./config/config.ts";
import { createStopSignals } from "./domain/stop-signals.ts";
import type { Logger } from "./logger.ts";

export interface Application {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  /** The port `/healthz` and `/metrics` answer on (and `/slack/events` in HTTP mode). */
  port: number;
  /**
   * Stops everything `start` started, in the order that loses nothing, within
   * `config.shutdownSeconds` (src/application/shutdown.ts).
   */
  stop(): Promise<void>;
}

/**
 * Opens and migrates the database, then starts the runtime and the Slack surface.
 * Everything is built here from `config`; nothing reads the environment later.
 */
export async function start(config: Config, options: { logger?: Logger } = {}): Promise<Application> {
  // Loaded here, not at the top, on purpose: `--help` and a configuration error are answered without
  // loading the database, Slack and telemetry libraries (measured: about 0.8 s and 105 MB instead of
  // 5 s and 325 MB with static imports).
  const { createLogger } = await import("./logger.ts");
  const { openDatabase } = await import("./adapters/database/open-database.ts");
  const { migrateDatabase } = await import("./adapters/database/migrate.ts");
  const { assembleRuntime } = await import("./application/assemble-runtime.ts");
  const { startWorkspaceJanitor } = await import("./application/workspace-janitor.ts");
  const { reportSandbox } = await import("./application/report-sandbox.ts");
  const { createSlackApi, createSlackWebClient } = await import("./adapters/slack/slack-api.ts");
  const { createSlackFiles } = await import("./adapters/slack/slack-files.ts");
  const { createSlackSurface } = await import("./surfaces/slack/create-slack-surface.ts");
  const { slackSurfaceOptions } = await import("./application/slack-surface-options.ts");
  const { slackSurface } = await import("./surfaces/slack/session-threads.ts");
  const { prepareModels, describeModels } = await import("./application/prepare-models.ts");
  const { checkRepositoriesAtStart } = await import("./application/check-repositories.ts");
  const { shutDown } = await import("./application/shutdown.ts");
  const { createObservability } = await import("./application/observability.ts");
  const { slackInstallationOptions, slackFilesPerInstallation } = await import(
    "./application/slack-installations.ts"
  );
  const { databaseAuditTrail } = await import("./adapters/database/audit-entries.ts");

  const logger = options.logger ?? createLogger({ level: config.logLevel, environment: config.environment });
  // Before the database: a model the provider does not serve stops start-up at once.
  config = await prepareModels(config, { logger });
  // Also before it: a repository that cannot work as configured stops start-up, naming its setting.
  await checkRepositoriesAtStart(config, logger);
  const database = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir, logger });
  const parts: RunningParts = { database };
  const stop = () => shutDown(parts, { budgetMs: config.shutdownSeconds * 1000, logger });
  let port: number;
  try {
    await migrateDatabase(database);
    const botToken = config.slack.botToken ?? "";
    let slackApi: ReturnType<typeof createSlackApi> | undefined;
    const observability = await createObservability({
      config,
      db: database.db,
      logger,
      slackCallsPending: () => slackApi?.pending?.() ?? 0,
    });
    parts.observability = observability;
    slackApi = createSlackApi({
      client: createSlackWebClient({ botToken, apiUrl: config.slack.apiUrl, logger }),
      logger,
      telemetry: observability.telemetry,
    });
    // OAuth mode: each workspace's installation, and the install pages; nothing with one bot token.
    const slackInstallations = await slackInstallationOptions({
      config: config.slack,
      db: database.db,
      logger,
      audit: databaseAuditTrail(database.db),
    });
    const { installations } = slackInstallations;
    const { runtime, queue, workspaceManager, audit } = assembleRuntime({
      config,
      database,
      logger,
      slackFiles: installations
        ? slackFilesPerInstallation(installations, { apiUrl: config.slack.apiUrl, logger })
        : createSlackFiles({ api: slackApi, botToken, apiUrl: config.slack.apiUrl }),
      // Slack sessions only: a terminal chat's agents would talk to nobody here.
      scope: { surface: slackSurface },
      telemetry: observability.telemetry,
    });
    // Before any agent runs: allow-listed commands count as safe only once the sandbox is known to work.
    if (workspaceManager)
      await reportSandbox({
        git: config.git,
        logger,
        setupCacheDirectory: join(config.database.dataDir, "setup-cache"),
      });
    const surface = createSlackSurface(
      await slackSurfaceOptions({
        config,
        database,
        logger,
        runtime,
        queue,
        workspaceManager,
        audit,
        observability,
        api: slackApi,
        installation: slackInstallations,
      }),
    );
    parts.surface = surface;
    // The surface hears the runtime before the runtime starts: a turn handed over by the last
    // instance resumes at once, and what it says must reach Slack.
    surface.attach();
    await runtime.start();
    parts.runtime = runtime;
    if (workspaceManager) {
      const janitor = startWorkspaceJanitor({
        db: database.db,
        manager: workspaceManager,
        ttlSeconds: config.git.workspaceTtlSeconds,
        logger,
      });
      parts.janitor = janitor;
    }
    ({ port } = await surface.start());
    logger.info(
      {
        database: database.kind,
        dataDir: database.kind === "pglite" ? config.database.dataDir : undefined,
        slack: config.slack.appToken ? "socket-mode" : "http",
        port,
        repositories: config.git.repositories.map((repository) => repository.name),
        allowCommands: config.git.allowCommands,
        pricedModels: Object.keys(config.priceOverrides),
        configFile: config.configFile,
        models: describeModels(config.models),
      },
      `threadwork is ready: ${describeModels(config.models).join(", ")}`,
    );
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return { config, logger, database, port, stop };
}

async function main(): Promise<void> {
  if (!readCommandLine("start")) return;
  const config = readConfigOrReport(["provider", "slack"]);
  if (!config) {
    process.exitCode = 1;
    return;
  }
  // Listening from the start: without a listener a signal kills node at once, so one sent
  // just after "ready" would skip the graceful stop. One that comes while starting waits for it.
  let early: "SIGINT" | "SIGTERM" | undefined;
  const holdEarly = (signal: "SIGINT" | "SIGTERM") => {
    if (early === "SIGINT" && signal === "SIGINT") process.exit(130);
    early ??= signal;
  };
  process.on("SIGINT", holdEarly);
  process.on("SIGTERM", holdEarly);
  let application: Application;
  try {
    application = await start(config);
  } catch (error) {
    process.stderr.write(`Threadwork could not start: ${describeFailure(error)}\n`);
    process.exitCode = 1;
    return;
  } finally {
    process.off("SIGINT", holdEarly);
    process.off("SIGTERM", holdEarly);
  }
  // Holds the process open until a signal, whatever start() wires in.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const decide = createStopSignals();
  const shutdown = (signal: "SIGINT" | "SIGTERM") => {
    const decision = decide(signal, Date.now());
    const budgetSeconds = application.config.shutdownSeconds;
    if (decision === "already-stopping") {
      application.logger.info({ signal, budgetSeconds }, "already shutting down");
      return;
    }
    if (decision === "stop-at-once") {
      application.logger.warn(
        { signal },
        "second Ctrl-C: stopping at once; running steps resume on the next start",
      );
      process.exit(130);
    }
    application.logger.info(
      { signal, budgetSeconds },
      signal === "SIGINT" ? "shutting down; press Ctrl-C again to stop at once" : "shutting down",
    );
    clearInterval(keepAlive);
    // The backstop: exit within the budget even if a phase hangs, before the platform kills us.
    setTimeout(() => {
      application.logger.error({ budgetSeconds }, "shutdown did not finish within its budget; exiting now");
      process.exit(1);
    }, budgetSeconds * 1000).unref();
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
  if (early) shutdown(early);
}

if (import.meta.main) await main();
