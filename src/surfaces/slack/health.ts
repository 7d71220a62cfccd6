import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { SocketModeHealth } from "../../adapters/slack/socket-mode-connection.ts";
import type { Logger } from "../../logger.ts";
import { type HttpAnswer, writeAnswer } from "./http-answer.ts";
import { type MetricsEndpoint, respondWithMetrics } from "./metrics-route.ts";
import type { PageRoute } from "./page-route.ts";
import { readWebhookBody } from "./read-webhook-body.ts";
import { plainHeaders, type WebhookRoute } from "./webhook-route.ts";

interface HealthReport {
  database: boolean;
  queue: boolean;
  /** Socket Mode only: the connection Slack's events arrive on. */
  slack?: SocketModeHealth;
}

export type HealthCheck = () => Promise<HealthReport>;

/**
 * `GET /healthz`: 200 when the database answers, the queue runs and (Socket Mode) the
 * connection to Slack is up or only briefly down; 503 otherwise.
 */
export async function healthAnswer(health: HealthCheck): Promise<HttpAnswer> {
  let report: HealthReport;
  try {
    report = await health();
  } catch {
    report = { database: false, queue: false };
  }
  const ok = report.database && report.queue && (report.slack?.up ?? true);
  const body = {
    ok,
    database: report.database,
    queue: report.queue,
    ...(report.slack ? { slack: report.slack.state } : {}),
  };
  return {
    status: ok ? 200 : 503,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
    body: JSON.stringify(body),
  };
}

async function respondWithHealth(health: HealthCheck, response: ServerResponse): Promise<void> {
  writeAnswer(response, await healthAnswer(health));
}

async function respondToWebhook(route: WebhookRoute, request: IncomingMessage, response: ServerResponse) {
  const body = await readWebhookBody(request);
  if (body === "too-large") {
    writeAnswer(response, { status: 413, headers: { connection: "close" }, body: "" });
    return;
  }
  writeAnswer(response, await route({ headers: plainHeaders(request.headers), body }));
}

/** In Socket Mode nothing else listens on PORT, so the health check (and `/metrics`) get a server of their own. */
export function createHealthServer(
  health: HealthCheck,
  logger: Logger,
  metrics?: MetricsEndpoint,
  webhooks: Record<string, WebhookRoute> = {},
  pages: Record<string, PageRoute> = {},
): Server {
  return createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (request.method === "GET" && path === "/healthz") {
      respondWithHealth(health, response).catch((error: unknown) => {
        logger.warn({ err: error }, "health check failed");
      });
      return;
    }
    if (metrics && request.method === "GET" && path === "/metrics") {
      void respondWithMetrics(metrics, response, logger);
      return;
    }
    const page = Object.hasOwn(pages, path) ? pages[path] : undefined;
    if (page && request.method === "GET") {
      page({ url: request.url ?? path, headers: plainHeaders(request.headers) }).then(
        (answer) => writeAnswer(response, answer),
        (error: unknown) => {
          logger.warn({ err: error, path }, "a page failed");
          if (!response.headersSent) writeAnswer(response, { status: 500, headers: {}, body: "" });
        },
      );
      return;
    }
    const webhook = Object.hasOwn(webhooks, path) ? webhooks[path] : undefined;
    if (webhook && request.method === "POST") {
      respondToWebhook(webhook, request, response).catch((error: unknown) => {
        logger.warn({ err: error, path }, "a webhook route failed");
        if (!response.headersSent) writeAnswer(response, { status: 500, headers: {}, body: "" });
      });
      return;
    }
    response.writeHead(404);
    response.end();
  });
}
