import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { App } from "@slack/bolt";
import { toBoltLogger } from "../../adapters/slack/bolt-logger.ts";
import { botTokenFailure } from "../../adapters/slack/bot-token-refused.ts";
import { InstallingWorkspace } from "../../adapters/slack/installing-workspace.ts";
import { webClientOptions } from "../../adapters/slack/slack-api.ts";
import { UsergroupMembers } from "../../adapters/slack/usergroup-members.ts";
import { noAudit } from "../../domain/audit.ts";
import { ConfigurationError } from "../../domain/errors.ts";
import type { TeamScope } from "../../domain/team-scope.ts";
import { AccessControl } from "./access-control.ts";
import { logAccess } from "./access-log.ts";
import { until } from "./deadline.ts";
import { createHealthServer } from "./health.ts";
import { InstallationContexts } from "./installation-contexts.ts";
import { createMetricsServer } from "./metrics-route.ts";
import type { PageRoute } from "./page-route.ts";
import { registerListeners } from "./register-listeners.ts";
import { createSlackClients } from "./slack-clients.ts";
import { createSlackReceiver } from "./slack-receiver.ts";
import type { SlackSurface, SlackSurfaceOptions } from "./slack-surface-options.ts";
import { createSpendAlerts } from "./spend-alerts.ts";
import type { SlackSurfaceContext } from "./surface-context.ts";
import { createSurfaceOutput } from "./surface-output.ts";
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
  const output = createSurfaceOutput({
    options,
    clients,
    profileOf: (userId, scope) => context.forInstallation(scope).users.profileOf(userId),
  });
  const { threads, sharedFiles, publisher, board, feedback, sessions, users, responses, replies, renderer } =
    output;
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
  const { codeChannels, schedules } = registerListeners(app, context, { options, webhooks, pages });

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
