/**
 * `npm run chat`: talk to a supervisor at the terminal, no Slack needed. The embedded database
 * under THREADWORK_DATA_DIR is used unless DATABASE_URL is set; a provider is required. Only
 * this conversation's agents run here, whatever else the database holds.
 * `npm run chat -- --session <id> --as <Slack user id>` continues a Slack session here, as its owner.
 */
// First, before anything that needs Node 24: an older Node stops here with a clear message.
import "./require-node-24.mjs";
import { mkdirSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import path from "node:path";
import type { DatabaseHandle } from "./adapters/database/open-database.ts";
import { type ChatArguments, readChatArguments } from "./application/chat-arguments.ts";
import { describeFailure, readCommandLine, readConfigOrReport } from "./application/entry-point.ts";
import type { TerminalHandoff } from "./application/terminal-handoff.ts";
import type { Config } from "./config/config.ts";
import { createStopSignals } from "./domain/stop-signals.ts";
import type { Logger } from "./logger.ts";
import type { Runtime } from "./runtime/create-runtime.ts";
import type { SessionKey } from "./runtime/surface-port.ts";

/** After Ctrl-C, how long an interrupted model call or tool may take to let go of its agent. */
const interruptMs = 2_000;

/** What the chat runs with, once its command line and configuration are read. */
interface ChatContext {
  config: Config;
  logger: Logger;
  logFile: string;
  database: DatabaseHandle;
  user: string;
}

interface ChatSurface {
  run(): Promise<{ interrupted: boolean }>;
  stop(): void;
}

async function main(): Promise<void> {
  const started = readChatStart();
  if (!started) return;
  const { chatArguments, config } = started;
  const { createLogger } = await import("./logger.ts");
  const { pino } = await import("pino");
  const { openDatabase } = await import("./adapters/database/open-database.ts");
  const { migrateDatabase } = await import("./adapters/database/migrate.ts");

  // Logs go to a file, never into the conversation; `tail -f` it in another terminal.
  mkdirSync(config.database.dataDir, { recursive: true });
  const logFile = path.join(config.database.dataDir, "chat.log");
  const logger = createLogger({
    level: config.logLevel,
    environment: config.environment,
    destination: pino.destination({ dest: logFile, append: true, sync: true }),
  });
  const database = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir, logger });
  let handoff: TerminalHandoff | null | undefined;
  try {
    await migrateDatabase(database);
    const context: ChatContext = { config, logger, logFile, database, user: userInfo().username };
    handoff = await handOffIfAsked(chatArguments, context);
    if (handoff === null) return;
    await chat(context, handoff);
  } finally {
    // Back to the Slack app, once this chat runs nothing of the session any more.
    await handoff?.end();
    await database.close();
    logger.info("chat database closed");
  }
}

/** The command line and configuration, or nothing once a problem with them is reported. */
function readChatStart(): { chatArguments: ChatArguments; config: Config } | undefined {
  const chatArguments = readChatArguments(process.argv.slice(2));
  if (chatArguments.problem || (chatArguments.as !== undefined && chatArguments.session === undefined)) {
    process.stderr.write(
      `threadwork chat: ${chatArguments.problem ?? "--as goes with --session <session id>"}\n`,
    );
    process.exitCode = 2;
    return undefined;
  }
  if (!readCommandLine("chat", chatArguments.rest)) return undefined;
  const config = readConfigOrReport(["provider"]);
  if (!config) {
    process.exitCode = 1;
    return undefined;
  }
  return { chatArguments, config };
}

/** The Slack session continued here (`--session`), nothing without one, or null once refused. */
async function handOffIfAsked(
  chatArguments: ChatArguments,
  { config, logger, database, user }: ChatContext,
): Promise<TerminalHandoff | null | undefined> {
  if (chatArguments.session === undefined) return undefined;
  const { prepareHandoff, HandoffRefusedError } = await import("./application/terminal-handoff.ts");
  const { createThreadNotices } = await import("./application/handoff-thread-notices.ts");
  return prepareHandoff({
    db: database.db,
    sessionId: chatArguments.session,
    as: chatArguments.as,
    host: hostname(),
    user,
    logger,
    createNotices: (metadata) => createThreadNotices({ slack: config.slack, metadata, logger }),
  }).catch((error: unknown) => {
    if (!(error instanceof HandoffRefusedError)) throw error;
    process.stderr.write(`threadwork chat: ${error.message}\n`);
    process.exitCode = 2;
    return null;
  });
}

/** Assembles the runtime for this one conversation and chats until /quit, Ctrl-C or a signal. */
async function chat(context: ChatContext, handoff: TerminalHandoff | undefined): Promise<void> {
  const { config, logger, logFile, database, user } = context;
  // Loaded once the chat may go on: a refusal comes back without waiting for them.
  const { assembleRuntime } = await import("./application/assemble-runtime.ts");
  const { createTerminalSurface } = await import("./surfaces/terminal/terminal-surface.ts");
  const { reportSandbox } = await import("./application/report-sandbox.ts");
  const { prepareModels, describeModels } = await import("./application/prepare-models.ts");
  const { checkRepositoriesAtStart } = await import("./application/check-repositories.ts");
  const settled = await prepareModels(config, { logger });
  await checkRepositoriesAtStart(settled, logger);
  const key = conversationKey(handoff, user);
  // The same runtime as `npm start`, scoped to this conversation: other chats' and Slack's
  // sessions in the same database are neither shown nor run.
  const { runtime, workspaceManager } = assembleRuntime({ config: settled, database, logger, scope: key });
  if (workspaceManager) {
    const setupCacheDirectory = path.join(config.database.dataDir, "setup-cache");
    await reportSandbox({ git: config.git, logger, setupCacheDirectory });
  }
  const existing = await runtime.findSession(key);
  const surface = createTerminalSurface({
    runtime,
    input: process.stdin,
    output: process.stdout,
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    userId: handoff?.ownerId ?? user,
    key,
    ...(existing ? { sessionId: existing.id } : {}),
    introduction: [
      `Threadwork chat: ${describeModels(settled.models).join(", ")}.`,
      `${existing ? "Resuming this conversation. " : ""}Logs: ${logFile}. Ctrl-C or /quit leaves.`,
      ...(await handoffIntroduction(handoff, runtime)),
    ],
  });
  await runChat({ runtime, surface, handoff, logger });
}

/**
 * One conversation per user, machine and THREADWORK_CHAT name; it resumes where it left off.
 * A Slack session continued here keeps its own key: the same session, the same supervisor.
 */
function conversationKey(handoff: TerminalHandoff | undefined, user: string): SessionKey {
  return (
    handoff?.key ?? {
      surface: "terminal",
      conversationKey: `${hostname()}:${user}:${process.env.THREADWORK_CHAT || "default"}`,
    }
  );
}

async function handoffIntroduction(
  handoff: TerminalHandoff | undefined,
  runtime: Runtime,
): Promise<string[]> {
  if (!handoff) return [];
  return [
    `Continuing the Slack session as ${handoff.ownerId}; ${handoff.tellsSlack ? "its thread is told, and gets the answers given here" : "no Slack bot token here, so its thread is not told"}. Leaving (/quit) hands it back.`,
    ...(await handoff.history(runtime)),
  ];
}

/** Starts the runtime, runs the surface, then stops the runtime, interrupting the step in flight. */
async function runChat(options: {
  runtime: Runtime;
  surface: ChatSurface;
  handoff: TerminalHandoff | undefined;
  logger: Logger;
}): Promise<void> {
  const { runtime, surface, handoff, logger } = options;
  const signals = stopOnSignals(surface);
  // The hold first: from now on the Slack app leaves this session's agents to this chat.
  await handoff?.begin(runtime);
  await runtime.start();
  try {
    const { interrupted } = await surface.run();
    // As shells expect of a program Ctrl-C ended: 128 + SIGINT.
    if (interrupted || signals.interrupted()) process.exitCode = 130;
  } finally {
    // Stopping now: another Ctrl-C leaves without waiting.
    signals.stopping();
    logger.info("chat stopping");
    // The step in flight is interrupted at once (a reply finished after the screen closed would
    // never be seen) and its agent let go: the interrupted turn runs again at the next start.
    await runtime.stop({ drainBy: Date.now(), abortedBy: Date.now() + interruptMs });
    logger.info("chat runtime stopped");
  }
}

/**
 * Off a terminal, Ctrl-C and `kill` arrive as signals; a second one leaves at once. Under npm one
 * Ctrl-C arrives twice (the terminal's group and npm's forward): src/domain/stop-signals.ts.
 */
function stopOnSignals(surface: ChatSurface): { interrupted(): boolean; stopping(): void } {
  const decide = createStopSignals();
  let stopping = false;
  let interruptedBySignal = false;
  const onSignal = (signal: "SIGINT" | "SIGTERM") => {
    const decision = decide(signal, Date.now());
    if (decision === "already-stopping") return;
    if (stopping || decision === "stop-at-once") process.exit(130);
    stopping = true;
    interruptedBySignal = signal === "SIGINT";
    surface.stop();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    interrupted: () => interruptedBySignal,
    stopping: () => {
      stopping = true;
    },
  };
}

main().then(
  () => process.exit(),
  (error: unknown) => {
    process.stderr.write(`threadwork chat failed: ${describeFailure(error)}\n`);
    process.exit(1);
  },
);
