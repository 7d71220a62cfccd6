import {
  liveAgentCounts,
  queuedWorkerCount,
  sessionStateCounts,
} from "../adapters/database/observed-states.ts";
import type { Database } from "../adapters/database/open-database.ts";
import { createPrometheusMetrics } from "../adapters/telemetry/prometheus-metrics.ts";
import type { Config } from "../config/config.ts";
import { fanOutTelemetry, type Telemetry } from "../domain/telemetry-port.ts";
import type { Logger } from "../logger.ts";

interface Observability {
  /** Where the runtime, the Slack client and the surface report. */
  telemetry: Telemetry;
  /** `GET /metrics`. */
  metrics: { contentType: string; render(): Promise<string> };
  /** Ends open spans and sends the last traces. */
  stop(): Promise<void>;
}

/**
 * Prometheus metrics always; OpenTelemetry traces only when an OTLP endpoint is configured,
 * and only then is the SDK loaded.
 */
export async function createObservability(options: {
  config: Pick<Config, "telemetry">;
  db: Database;
  logger: Logger;
  /** Slack calls queued in the pacer, read at each scrape. */
  slackCallsPending?: () => number;
  instanceId?: string;
}): Promise<Observability> {
  const { db, logger } = options;
  const metrics = createPrometheusMetrics({
    sources: {
      agents: () => liveAgentCounts(db),
      sessions: () => sessionStateCounts(db),
      async queues() {
        return [
          { queue: "agent-slots", depth: await queuedWorkerCount(db) },
          { queue: "slack-calls", depth: options.slackCallsPending?.() ?? 0 },
        ];
      },
    },
  });
  const tracesUrl = options.config.telemetry?.tracesUrl;
  if (!tracesUrl) {
    return { telemetry: fanOutTelemetry([metrics.telemetry]), metrics, stop: async () => undefined };
  }
  const { createOpenTelemetryTracing } = await import("../adapters/telemetry/open-telemetry-tracing.ts");
  const tracing = createOpenTelemetryTracing({
    url: tracesUrl,
    serviceName: options.config.telemetry?.serviceName ?? "threadwork",
    instanceId: options.instanceId,
  });
  logger.info({ traces: new URL(tracesUrl).origin }, "tracing: spans go to the OTLP endpoint");
  return {
    telemetry: fanOutTelemetry([metrics.telemetry, tracing.telemetry]),
    metrics,
    async stop() {
      await tracing.shutdown().catch((error: unknown) => {
        logger.warn({ err: error }, "could not send the last traces");
      });
    },
  };
}
