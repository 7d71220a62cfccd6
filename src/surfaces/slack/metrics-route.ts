import type { ServerResponse } from "node:http";
import type { Logger } from "../../logger.ts";

/** What `GET /metrics` serves: the Prometheus text exposition, rendered at each scrape. */
export interface MetricsEndpoint {
  contentType: string;
  render(): Promise<string>;
}

export async function respondWithMetrics(
  metrics: MetricsEndpoint,
  response: ServerResponse,
  logger: Logger,
): Promise<void> {
  try {
    const body = await metrics.render();
    response.writeHead(200, { "content-type": metrics.contentType, "cache-control": "no-store" });
    response.end(body);
  } catch (error) {
    logger.warn({ err: error }, "could not render the metrics");
    response.writeHead(500, { "content-type": "text/plain" });
    response.end("metrics unavailable\n");
  }
}
