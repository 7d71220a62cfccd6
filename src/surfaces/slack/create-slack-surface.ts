import type { ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { App, HTTPReceiver } from "@slack/bolt";
import { toBoltLogger } from "../../adapters/slack/bolt-logger.ts";
import { InstallingWorkspace } from "../../adapters/slack/installing-workspace.ts";
import {
  createSlackApi,
  createSlackWebClient,
  type SlackApi,
  webClientOptions,
} from "../../adapters/slack/slack-api.ts";
import { UserDirectory } from "../../adapters/slack/user-directory.ts";
import { UsergroupMembers } from "../../adapters/slack/usergroup-members.ts";
import type { Config } from "../../config.ts";
import { ConfigurationError } from "../../domain/errors.ts";
import { noTelemetry, type SurfaceTelemetry } from "../../domain/telemetry-port.ts";
import type { Logger } from "../../logger.ts";
import type { RuntimeApi } from "../../runtime/runtime-api.ts";
import { AccessControl } from "./access-control.ts";
import { register as registerCodeChannelCommands } from "./code-channels/code-channel-commands.ts";
import { CodeChannels } from "./code-channels/code-channels.ts";
import type { SessionDiffSource } from "./code-channels/session-diffs.ts";
import { CrewBoardPublisher } from "./crew-board-publisher.ts";
import { EventRenderer } from "./event-renderer.ts";
import { createHealthServer, type HealthCheck, respondWithHealth } from "./health.ts";
import { register as registerAppHome } from "./listeners/app-home.ts";
import { register as registerCrew } from "./listeners/crew.ts";
import { register as registerDecisions } from "./listeners/decisions.ts";
import { register as registerMessages } from "./listeners/messages.ts";
import { register as registerQuestions } from "./listeners/questions.ts";
import { MessagePublisher } from "./message-publisher.ts";
import { type MetricsEndpoint, respondWithMetrics } from "./metrics-route.ts";
import { ReplyStreamer } from "./reply-streamer.ts";
import { ResponseTimer } from "./response-timer.ts";
import { SessionThreads } from "./session-threads.ts";
import type { SlackStore } from "./slack-store.ts";
import type { SlackSurfaceContext } from "./surface-context.ts";
import { ThreadFeedback } from "./thread-feedback.ts";

export interface SlackSurfaceOptions {
  config: Config["slack"];
  runtime: RuntimeApi;
  store: SlackStore;
  logger: Logger;
  /** Whether the database answers and the queue runs, for `GET /healthz`. */
  health: HealthCheck;
  /** Share one rate-limited client with `createSlackFiles`; built from `config` if absent. */
  api?: SlackApi;
  clock?: { now(): Date };
  /** Interface to listen on; all interfaces when absent. Tests pass 127.0.0.1. */
  host?: string;
  timing?: { boardIntervalMs?: number; streamIntervalMs?: number; codeChannelIntervalMs?: number };
  /** With `config.codeChannels`: the session's diff for its code channel's diff tab. */
  sessionDiffs?: SessionDiffSource;
  /** Served at `GET /metrics` on the same port as `/healthz`. */
  metrics?: MetricsEndpoint;
  /** Times to first feedback and first reply. */
  telemetry?: SurfaceTelemetry;
}

/** Says at start-up whose input the surface takes; input is refused while this is unknown. */
async function logAccess(
  workspace: InstallingWorkspace,
  lists: Config["slack"]["access"],
  logger: Logger,
): Promise<void> {
  try {
    const home = await workspace.get();
    logger.info(
      {
        installingTeam: home.teamId,
        installingEnterprise: home.enterpriseId,
        allowedTeams: lists?.teams.length ?? 0,
        userList: (lists?.users.length ?? 0) + (lists?.usergroups.length ?? 0) > 0,
        channelList: (lists?.channels.length ?? 0) > 0,
      },
      "Slack access: the installing workspace's people, plus any allowed teams",
    );
  } catch (error) {
    logger.error({ err: error }, "auth.test failed: Slack input is refused until the workspace is known");
  }
}

export interface SlackSurface {
  app: App;
  /** Starts listening (HTTP) or connects (Socket Mode); resolves with the port `/healthz` listens on. */
  start(): Promise<{ port: number }>;
  /** Stops receiving, waits for work in flight, and unsubscribes from the runtime. */
  stop(): Promise<void>;
}

/**
 * The Slack surface: Socket Mode when `config.appToken` is set, otherwise HTTP with
 * events and interactivity at `POST /slack/events` on `config.port`. `GET /healthz`
 * answers in both modes.
 */
export function createSlackSurface(options: SlackSurfaceOptions): SlackSurface {
  const { config, runtime, store, logger } = options;
  if (!config.botToken) throw new ConfigurationError(["SLACK_BOT_TOKEN is missing"]);
  const socketMode = config.appToken !== undefined;
  if (!socketMode && !config.signingSecret) {
    throw new ConfigurationError([
      "SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) is missing",
    ]);
  }
  const now = () => options.clock?.now() ?? new Date();
  const boltLogger = toBoltLogger(logger);
  const clientOptions = webClientOptions({ apiUrl: config.apiUrl, logger });

  let receiver: HTTPReceiver | undefined;
  if (!socketMode) {
    receiver = new HTTPReceiver({
      signingSecret: config.signingSecret ?? "",
      endpoints: "/slack/events",
      port: config.port,
      logger: boltLogger,
      customRoutes: [
        {
          path: "/healthz",
          method: ["GET"],
          handler: (_request, response) => {
            void respondWithHealth(options.health, response);
          },
        },
        ...(options.metrics
          ? [
              {
                path: "/metrics",
                method: ["GET"],
                handler: (_request: unknown, response: ServerResponse) => {
                  if (options.metrics) void respondWithMetrics(options.metrics, response, logger);
                },
              },
            ]
          : []),
      ],
    });
  }
  const app = new App({
    token: config.botToken,
    logger: boltLogger,
    clientOptions,
    deferInitialization: true,
    ...(receiver ? { receiver } : { socketMode: true, appToken: config.appToken }),
  });
  app.error(async (error) => {
    logger.warn({ err: error }, "a Slack listener failed");
  });

  const api =
    options.api ??
    createSlackApi({
      client: createSlackWebClient({ botToken: config.botToken, apiUrl: config.apiUrl, logger }),
      logger,
    });
  const threads = new SessionThreads(runtime);
  const publisher = new MessagePublisher(api, store);
  const board = new CrewBoardPublisher({
    runtime,
    publisher,
    threads,
    logger,
    now,
    intervalMs: options.timing?.boardIntervalMs,
  });
  const feedback = new ThreadFeedback(api, logger);
  const responses = new ResponseTimer(options.telemetry ?? noTelemetry);
  const replies = new ReplyStreamer({
    api,
    store,
    logger,
    intervalMs: options.timing?.streamIntervalMs,
    onReplyShown: (thread) => responses.replyShown(thread),
  });
  const renderer = new EventRenderer({
    runtime,
    threads,
    publisher,
    board,
    replies,
    feedback,
    logger,
  });
  const inFlight = new Set<Promise<void>>();
  const users = new UserDirectory(api);
  const workspace = new InstallingWorkspace(api);
  const access = new AccessControl({
    lists: config.access,
    workspace,
    groups: new UsergroupMembers({ api, logger }),
    users,
    logger,
  });

  const context: SlackSurfaceContext = {
    api,
    runtime,
    store,
    logger,
    now,
    threads,
    users,
    access,
    publisher,
    board,
    feedback,
    responses,
    track(work) {
      const tracked = work.then(
        () => undefined,
        (error: unknown) => {
          logger.warn({ err: error }, "Slack work after the ack failed");
        },
      );
      inFlight.add(tracked);
      void tracked.then(() => inFlight.delete(tracked));
      return tracked;
    },
  };
  registerMessages(app, context);
  registerQuestions(app, context);
  registerDecisions(app, context);
  registerCrew(app, context);
  registerAppHome(app, context);
  const codeChannels = config.codeChannels
    ? new CodeChannels({
        api,
        runtime,
        store,
        threads,
        publisher,
        logger,
        now,
        ...(options.sessionDiffs ? { diffs: options.sessionDiffs } : {}),
        intervalMs: options.timing?.codeChannelIntervalMs,
      })
    : undefined;
  if (codeChannels) registerCodeChannelCommands(app, context, codeChannels);

  let unsubscribe: (() => void) | undefined;
  let unsubscribeCodeChannels: (() => void) | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  const pruneInboundEvents = () => {
    const before = new Date(now().getTime() - 24 * 3600 * 1000);
    store.pruneInboundEvents?.(before).catch((error: unknown) => {
      logger.warn({ err: error }, "could not prune handled Slack event ids");
    });
  };
  let healthServer: ReturnType<typeof createHealthServer> | undefined;

  return {
    app,
    async start() {
      await app.init();
      await logAccess(workspace, config.access, logger);
      unsubscribe = runtime.subscribe(renderer.listener);
      unsubscribeCodeChannels = codeChannels && runtime.subscribe(codeChannels.listener);
      pruneTimer = setInterval(pruneInboundEvents, 3600 * 1000);
      pruneTimer.unref();
      const listen = options.host ? { port: config.port, host: options.host } : config.port;
      if (!socketMode) {
        const server = (await app.start(listen)) as { address(): AddressInfo | string | null };
        const address = server.address();
        return { port: typeof address === "object" && address ? address.port : config.port };
      }
      await app.start();
      const server = createHealthServer(options.health, logger, options.metrics);
      healthServer = server;
      await new Promise<void>((resolve) => server.listen(listen, resolve));
      const address = server.address();
      return { port: typeof address === "object" && address ? address.port : config.port };
    },
    async stop() {
      unsubscribe?.();
      unsubscribe = undefined;
      unsubscribeCodeChannels?.();
      if (pruneTimer) clearInterval(pruneTimer);
      await app.stop().catch(() => undefined);
      const server = healthServer;
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      await Promise.all([...inFlight]);
      await renderer.idle();
      await codeChannels?.idle();
      await replies.idle();
      await board.idle();
      await publisher.idle();
    },
  };
}
