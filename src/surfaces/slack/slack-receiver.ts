import type { Logger as BoltLogger } from "@slack/bolt";
import type { webClientOptions } from "../../adapters/slack/slack-api.ts";
import { SocketModeConnection } from "../../adapters/slack/socket-mode-connection.ts";
import type { Config } from "../../config/config.ts";
import type { Logger } from "../../logger.ts";
import { type HealthCheck, healthAnswer } from "./health.ts";
import type { HttpAnswer } from "./http-answer.ts";
import { SocketModeWorkerReceiver } from "./ingress/socket-mode-worker-receiver.ts";
import { WorkerReceiver } from "./ingress/worker-receiver.ts";
import { type MetricsEndpoint, metricsAnswer } from "./metrics-route.ts";
import type { PageRoute } from "./page-route.ts";
import type { WebhookRoute } from "./webhook-route.ts";

interface SlackReceiver {
  receiver: WorkerReceiver | SocketModeWorkerReceiver;
  /** Socket Mode only. */
  connection: SocketModeConnection | undefined;
  /** The dependencies' health plus, in Socket Mode, the connection's. */
  health: HealthCheck;
}

/**
 * Socket Mode when `config.appToken` is set, its connection followed for logs and health;
 * otherwise HTTP with events and interactivity at `POST /slack/events` and `GET /healthz`. Both
 * receive on a worker thread, so acks never wait on the runtime.
 */
export function createSlackReceiver(options: {
  config: Config["slack"];
  health: HealthCheck;
  logger: Logger;
  boltLogger: BoltLogger;
  clientOptions: ReturnType<typeof webClientOptions>;
  timing: { socketPingTimeoutMs?: number | undefined; socketGraceMs?: number | undefined };
  /** Served at `GET /metrics` in HTTP mode (the health server serves it in Socket Mode). */
  metrics?: MetricsEndpoint | undefined;
  /** POST routes such as `/github/events`, served on the same port in HTTP mode. */
  webhooks?: Record<string, WebhookRoute>;
  /** GET pages such as `/slack/install`, served on the same port in HTTP mode. */
  pages?: Record<string, PageRoute>;
}): SlackReceiver {
  const { config, logger, boltLogger, timing } = options;
  if (config.appToken !== undefined) {
    // The worker builds its own WebClient: functions such as the logger do not cross threads.
    const { logger: _logger, ...clientOptions } = options.clientOptions;
    const receiver = new SocketModeWorkerReceiver({
      appToken: config.appToken,
      clientOptions,
      clientPingTimeoutMs: timing.socketPingTimeoutMs,
      logger,
      boltLogger,
    });
    const connection = new SocketModeConnection(receiver.lifecycle, logger, {
      graceMs: timing.socketGraceMs ?? 20_000,
    });
    const health: HealthCheck = async () => ({ ...(await options.health()), slack: connection.health() });
    return { receiver, connection, health };
  }
  const routes: Record<string, () => Promise<HttpAnswer>> = {
    "/healthz": () => healthAnswer(options.health),
  };
  const { metrics } = options;
  if (metrics) routes["/metrics"] = () => metricsAnswer(metrics, logger);
  const receiver = new WorkerReceiver({
    signingSecret: config.signingSecret ?? "",
    endpoint: "/slack/events",
    port: config.port,
    routes,
    ...(options.webhooks ? { webhooks: options.webhooks } : {}),
    ...(options.pages ? { pages: options.pages } : {}),
    logger,
    boltLogger,
  });
  return { receiver, connection: undefined, health: options.health };
}
