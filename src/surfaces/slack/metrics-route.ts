import { createServer, type Server, type ServerResponse } from "node:http";
import type { Logger } from "../../logger.ts";
import { type HttpAnswer, writeAnswer } from "./http-answer.ts";

/** What `GET /metrics` serves: the Prometheus text exposition, rendered at each scrape. */
export interface MetricsEndpoint {
  contentType: string;
  render(): Promise<string>;
}

export async function metricsAnswer(metrics: MetricsEndpoint, logger: Logger): Promise<HttpAnswer> {
  try {
    const body = await metrics.render();
    return {
      status: 200,
      headers: { "content-type": metrics.contentType, "cache-control": "no-store" },
      body,
    };
  } catch (error) {
    logger.warn({ err: error }, "could not render the metrics");
    return { status: 500, headers: { "content-type": "text/plain" }, body: "metrics unavailable\n" };
  }
}

export async function respondWithMetrics(
  metrics: MetricsEndpoint,
  response: ServerResponse,
  logger: Logger,
): Promise<void> {
  writeAnswer(response, await metricsAnswer(metrics, logger));
}

/** A listener that serves only `GET /metrics`, apart from the public port (THREADWORK_METRICS_ADDRESS). */
export function createMetricsServer(metrics: MetricsEndpoint, logger: Logger): Server {
  return createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (request.method === "GET" && path === "/metrics") {
      void respondWithMetrics(metrics, response, logger);
      return;
    }
    response.writeHead(404);
    response.end();
  });
}
