import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { App } from "@slack/bolt";
import { toBoltLogger } from "../../adapters/slack/bolt-logger.ts";
import { botTokenFailure } from "../../adapters/slack/bot-token-refused.ts";
import { InstallingWorkspace } from "../../adapters/slack/installing-workspace.ts";
import { webClientOptions } from "../../adapters/slack/slack-api.ts";
import { UserDirectory } from "../../adapters/slack/user-directory.ts";
import { UsergroupMembers } from "../../adapters/slack/usergroup-members.ts";
import { noAudit } from "../../domain/audit.ts";
import { ConfigurationError } from "../../domain/errors.ts";
import { defaultSharedFileMaxBytes } from "../../domain/shared-files.ts";
import type { TeamScope } from "../../domain/team-scope.ts";
import { noTelemetry } from "../../domain/telemetry-port.ts";
import { AccessControl } from "./access-control.ts";
import { logAccess } from "./access-log.ts";
import { AgentSessions } from "./agent-sessions.ts";
import { register as registerCodeChannelCommands } from "./code-channels/code-channel-commands.ts";
import { CodeChannels } from "./code-channels/code-channels.ts";
import { register as registerThreadworkCommand } from "./commands/threadwork-command.ts";
import { CrewBoardPublisher } from "./crew-board-publisher.ts";
import { until } from "./deadline.ts";
import { EventRenderer } from "./event-renderer.ts";
import { uploadAttachedFile } from "./file-uploads.ts";
import { createHealthServer } from "./health.ts";
import { setUpOAuthInstall } from "./install/oauth-install.ts";
import { InstallationContexts } from "./installation-contexts.ts";
import { register as registerAgentSessions } from "./listeners/agent-sessions.ts";
import { register as registerAppHome } from "./listeners/app-home.ts";
import { register as registerChannelSettings } from "./listeners/channel-settings.ts";
import { register as registerCrew } from "./listeners/crew.ts";
import { register as registerDecisions } from "./listeners/decisions.ts";
import { register as registerFeedback } from "./listeners/feedback.ts";
import { register as registerMessages } from "./listeners/messages.ts";
import { register as registerPlans } from "./listeners/plans.ts";
import { register as registerQuestions } from "./listeners/questions.ts";
import { register as registerRetry } from "./listeners/retry.ts";
import { register as registerSteer } from "./listeners/steer.ts";
import { register as registerThreadEdits } from "./listeners/thread-edits.ts";
import { register as registerWatchedChannels } from "./listeners/watched-channels.ts";
import { MessagePublisher } from "./message-publisher.ts";
import { createMetricsServer } from "./metrics-route.ts";
import type { PageRoute } from "./page-route.ts";
import { ReplyStreamer } from "./replies/reply-streamer.ts";
import { ResponseTimer } from "./response-timer.ts";
import { startSchedules } from "./schedules/start-schedules.ts";
import { SessionThreads, threadScope } from "./session-threads.ts";
import { createSlackClients } from "./slack-clients.ts";
import { createSlackReceiver } from "./slack-receiver.ts";
import type { SlackSurface, SlackSurfaceOptions } from "./slack-surface-options.ts";
import { createSpendAlerts } from "./spend-alerts.ts";
import type { SlackSurfaceContext } from "./surface-context.ts";
import { ThreadFeedback } from "./thread-feedback.ts";
import { realTimers } from "./timers.ts";
import type { WebhookRoute } from "./webhook-route.ts";
import { WorkspaceAdmins } from "./workspace-admins.ts";

/**
 * The Slack surface: Socket Mode when `config.appToken` is set, otherwise HTTP with
 * events and interactivity at `POST /slack/events` on `config.port`. `GET /healthz`
 * answers in both modes.
 */
export function createSlackSurface(options: SlackSurfaceOptions): SlackSurface {
  const { config, runtime, store, logger } = options;
  const clients = createSlackClients({
    config,
    logger,
    api: options.api,
    installations: options.installations,
  });
  const socketMode = config.appToken !== undefined;
  if (!socketMode && !config.signingSecret) {
    throw new ConfigurationError([
      "SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) is missing",
    ]);
  }
  const now = () => options.clock?.now() ?? new Date();
  const boltLogger = toBoltLogger(logger);
  const clientOptions = webClientOptions({ apiUrl: config.apiUrl, logger });

  // With a metrics listener of its own, `/metrics` leaves the public port.
  const publicMetrics = config.metricsListener ? undefined : options.metrics;
  // Filled once the context exists; the receiver reads it when it starts.
  const webhooks: Record<string, WebhookRoute> = {};
  const pages: Record<string, PageRoute> = {};
  const { receiver, health } = createSlackReceiver({
    config,
    health: options.health,
    logger,
    boltLogger,
    clientOptions,
    timing: {
      socketPingTimeoutMs: options.timing?.socketPingTimeoutMs,
      socketGraceMs: options.timing?.socketGraceMs,
    },
    metrics: publicMetrics,
    webhooks,
    pages,
  });
  const app = new App({
    ...clients.boltAuthorization,
    logger: boltLogger,
    clientOptions,
    deferInitialization: true,
    receiver,
  });
  app.error(async (error) => {
    logger.warn({ err: error }, "a Slack listener failed");
  });

  const { api } = clients;
  const threads = new SessionThreads(runtime);
  const sharedFiles = {
    files: clients.files,
    maximumBytes: config.sharedFileMaxBytes ?? defaultSharedFileMaxBytes,
  };
  // With one bot token an edit needs no installation, so no session is read for it.
  const publisher = new MessagePublisher(api, store, async (sessionId) => {
    if (!clients.router) return undefined;
    const thread = await threads.get(sessionId);
    return thread ? threadScope(thread) : undefined;
  });
  const board = new CrewBoardPublisher({
    runtime,
    publisher,
    threads,
    logger,
    now,
    intervalMs: options.timing?.boardIntervalMs,
  });
  const feedback = new ThreadFeedback(api, logger);
  const sessions = new AgentSessions({
    api,
    runtime,
    feedback,
    logger,
    timers: options.timers ?? realTimers,
    ...(options.timing?.sessionRefreshMs ? { refreshMs: options.timing.sessionRefreshMs } : {}),
  });
  const users = new UserDirectory(api);
  const responses = new ResponseTimer(options.telemetry ?? noTelemetry);
  const replies = new ReplyStreamer({
    api,
    store,
    logger,
    // With many installations, the thread's own installation looks the owner up.
    users: { profileOf: (userId, scope) => context.forInstallation(scope).users.profileOf(userId) },
    intervalMs: options.timing?.streamIntervalMs,
    now: () => now().getTime(),
    statusAfterStream: (thread) => sessions.statusAfterStream(thread),
    onReplyShown: (thread) => responses.replyShown(thread),
  });
  const renderer = new EventRenderer({
    runtime,
    threads,
    publisher,
    board,
    replies,
    sessions,
    logger,
    uploadFile: async (thread, agentTitle, file) => {
      const upload = await clients.upload(threadScope(thread));
      await uploadAttachedFile(upload, logger, thread, agentTitle, file);
    },
  });
  const inFlight = new Set<Promise<void>>();
  const workspace = new InstallingWorkspace(api);
  const groups = new UsergroupMembers({ api, logger });
  const adminIds = [...new Set([...(options.adminIds ?? []), ...(config.admins ?? [])])];
  const admins = new WorkspaceAdmins({ api, groups, adminIds, logger });
  const access = new AccessControl({
    lists: config.access,
    workspace,
    groups,
    users,
    logger,
  });

  const installationContexts = clients.router
    ? new InstallationContexts({
        router: clients.router,
        lists: config.access,
        adminIds,
        apiUrl: config.apiUrl,
        logger,
      })
    : undefined;
  const context: SlackSurfaceContext = {
    api,
    apiFor: clients.apiFor,
    forInstallation(scope: TeamScope | undefined) {
      return installationContexts ? installationContexts.for(context, scope) : context;
    },
    ...(options.installations
      ? {
          async removeInstallation(scope: TeamScope) {
            installationContexts?.forget(scope);
            await options.installations?.remove(scope);
          },
        }
      : {}),
    sharedFiles,
    runtime,
    store,
    logger,
    now,
    threads,
    users,
    workspace,
    access,
    publisher,
    board,
    feedback,
    sessions,
    replies,
    responses,
    followUpRule: config.followUpRule ?? "not-addressed-elsewhere",
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
    ...(options.watchRules ? { watchRules: options.watchRules } : {}),
    ...(options.audit ? { audit: options.audit } : {}),
    ...(options.channelSettings
      ? {
          channelSettings: {
            audit: options.audit ?? noAudit,
            ...options.channelSettings,
            admins: config.admins ?? [],
            groups,
          },
        }
      : {}),
    admins,
    ...(options.spendLimits ? { spendLimits: options.spendLimits } : {}),
  };
  const spendAlerts = createSpendAlerts({
    forInstallation: (scope) => context.forInstallation(scope),
    logger,
    track: context.track,
  });
  registerMessages(app, context);
  registerThreadEdits(app, context);
  registerQuestions(app, context);
  registerPlans(app, context);
  registerDecisions(app, context);
  registerCrew(app, context);
  registerSteer(app, context);
  registerAppHome(app, context);
  registerThreadworkCommand(app, context);
  registerChannelSettings(app, context);
  const codeChannels = config.codeChannels
    ? new CodeChannels({
        api,
        runtime,
        store,
        threads,
        publisher,
        logger,
        now,
        diffs: options.sessionDiffs,
        intervalMs: options.timing?.codeChannelIntervalMs,
      })
    : undefined;
  if (codeChannels) registerCodeChannelCommands(app, context, codeChannels);
  registerAgentSessions(app, context);
  registerFeedback(app, context);
  registerRetry(app, context);
  const schedules = options.schedules ? startSchedules(app, context, options.schedules) : undefined;
  registerWatchedChannels(app, context);
  Object.assign(webhooks, options.webhooks?.(context, app));
  if (options.oauthInstall) {
    const stored = options.installations;
    // Ending an installation also drops its cached clients and contexts, not only its tokens.
    const installations = stored && {
      botFor: (scope: TeamScope) => stored.botFor(scope),
      remove: (scope: TeamScope) => context.removeInstallation?.(scope) ?? stored.remove(scope),
    };
    const install = { install: options.oauthInstall, installations, apiUrl: config.apiUrl, runtime, logger };
    Object.assign(pages, setUpOAuthInstall(app, { ...install, track: context.track }));
  }

  let unsubscribe: (() => void) | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  const pruneInboundEvents = () => {
    const before = new Date(now().getTime() - 24 * 3600 * 1000);
    store.pruneInboundEvents?.(before).catch((error: unknown) => {
      logger.warn({ err: error }, "could not prune handled Slack event ids");
    });
  };
  let healthServer: ReturnType<typeof createHealthServer> | undefined;
  let metricsServer: Server | undefined;
  let receiving: Promise<void> | undefined;

  function stopReceiving(): Promise<void> {
    receiving ??= (async () => {
      await app.stop().catch(() => undefined);
      for (const server of [healthServer, metricsServer]) {
        if (!server) continue;
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      await Promise.all([...inFlight]);
    })();
    return receiving;
  }

  function attach(): void {
    // One subscription for both listeners: events held until the first surface attached reach both.
    unsubscribe ??= runtime.subscribe((event) => {
      renderer.listener(event);
      codeChannels?.listener(event);
      spendAlerts(event);
    });
  }

  return {
    app,
    attach,
    async start() {
      attach();
      // A refused bot token stops start-up with the doctor's one line, not Bolt's stack.
      await app.init().catch((error: unknown) => {
        throw botTokenFailure(error);
      });
      if (installationContexts)
        logger.info("Slack access: each installation's own people, plus any allowed teams");
      else await logAccess(workspace, config.access, logger);
      await schedules?.start();
      pruneTimer = setInterval(pruneInboundEvents, 3600 * 1000);
      pruneTimer.unref();
      if (config.metricsListener && options.metrics) {
        const { host, port } = config.metricsListener;
        const server = createMetricsServer(options.metrics, logger);
        await new Promise<void>((resolve, reject) => {
          server.once("error", reject);
          server.listen({ host, port }, resolve);
        });
        metricsServer = server;
        logger.info({ host, port }, "GET /metrics listens apart from PORT");
      }
      const listen = options.host ? { port: config.port, host: options.host } : config.port;
      if (!socketMode) {
        const server = (await app.start(listen)) as { address(): AddressInfo | string | null };
        const address = server.address();
        return { port: typeof address === "object" && address ? address.port : config.port };
      }
      await app.start();
      const server = createHealthServer(health, logger, publicMetrics, webhooks, pages);
      healthServer = server;
      await new Promise<void>((resolve) => server.listen(listen, resolve));
      const address = server.address();
      return { port: typeof address === "object" && address ? address.port : config.port };
    },
    stopReceiving,
    async stop(stopOptions = {}) {
      if (pruneTimer) clearInterval(pruneTimer);
      await schedules?.stop();
      const { deadline } = stopOptions;
      if ((await until(stopReceiving(), deadline)) === "deadline") {
        logger.warn("Slack handlers were still running at the shutdown deadline");
      }
      unsubscribe?.();
      unsubscribe = undefined;
      // Order matters: rendered events schedule board redraws, and every redraw goes through the publisher.
      const flushed = until(
        (async () => {
          await renderer.idle();
          await codeChannels?.idle();
          await sessions.idle();
          await replies.idle();
          await board.idle();
          await publisher.idle();
          // Calls nothing above waits for (an ephemeral notice, a reaction) still sit in the pacer.
          while ((api.pending?.() ?? 0) > 0) await new Promise((resolve) => setTimeout(resolve, 25));
        })(),
        deadline,
      );
      if ((await flushed) === "deadline") {
        logger.warn(
          { queuedCalls: api.pending?.() },
          "Slack updates still queued at the shutdown deadline are dropped",
        );
        return { flushed: false };
      }
      return { flushed: true };
    },
  };
}

export type { SlackSurface, SlackSurfaceOptions } from "./slack-surface-options.ts";
