import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { SocketModeHealth } from "../../adapters/slack/socket-mode-connection.ts";
import type { Logger } from "../../logger.ts";
import { type HttpAnswer, writeAnswer } from "./http-answer.ts";
import { type MetricsEndpoint, respondWithMetrics } from "./metrics-route.ts";

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

/** In Socket Mode nothing else listens on PORT, so the health check (and `/metrics`) get a server of their own. */
export function createHealthServer(health: HealthCheck, logger: Logger, metrics?: MetricsEndpoint): Server {
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
    response.writeHead(404);
    response.end();
  });
}
