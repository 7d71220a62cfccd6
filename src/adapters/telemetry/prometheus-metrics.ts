import { collectDefaultMetrics, Registry } from "prom-client";
import type { Measurement, Telemetry } from "../../domain/telemetry-port.ts";
import { BoundedLabel } from "./bounded-label.ts";
import {
  createInstruments,
  type Instruments,
  type MetricsSources,
  registerSourceGauges,
} from "./prometheus-instruments.ts";

interface PrometheusMetrics {
  telemetry: Telemetry;
  contentType: string;
  /** The text exposition of every metric, gauges read now. */
  render(): Promise<string>;
}

const tokenKinds = [
  ["input", "inputTokens"],
  ["output", "outputTokens"],
  ["cache_read", "cacheReadTokens"],
  ["cache_write", "cacheWriteTokens"],
] as const;

/**
 * Prometheus metrics from the runtime's, Slack's and the surface's telemetry. Gauges of
 * sessions, agents and queues are read from `sources` at each scrape, so every instance
 * reports the same database-wide counts.
 */
export function createPrometheusMetrics(options: { sources?: MetricsSources; prefix?: string } = {}) {
  const registry = new Registry();
  const prefix = options.prefix ?? "threadwork_";
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  registerSourceGauges(prefix, registers, options.sources);
  const telemetry = prometheusTelemetry(createInstruments(prefix, registers));
  return {
    telemetry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
  } satisfies PrometheusMetrics;
}

/** A measurement that reports once, when it ends or fails, with the seconds it took. */
function timed<Result>(finish: (outcome: Result | { error: string }, elapsed: number) => void) {
  const startedAt = performance.now();
  let ended = false;
  const measurement: Measurement<Result> = {
    end(result) {
      if (ended) return;
      ended = true;
      finish(result, (performance.now() - startedAt) / 1000);
    },
    fail(errorType) {
      if (ended) return;
      ended = true;
      finish({ error: errorType }, (performance.now() - startedAt) / 1000);
    },
  };
  return measurement;
}

/** The telemetry port feeding the instruments; model, tool, method and surface labels are bounded. */
function prometheusTelemetry(instruments: Instruments): Telemetry {
  const { modelDuration, modelTokens, modelCost, toolDuration, slackCalls, slackDuration } = instruments;
  const models = new BoundedLabel();
  const tools = new BoundedLabel();
  const methods = new BoundedLabel();
  const surfaces = new BoundedLabel();
  return {
    sessionStarted: (surface) => instruments.sessionsStarted.inc({ surface: surfaces.of(surface) }),
    stepStarted: (agent, kind) => instruments.steps.inc({ role: agent.role, kind }),
    modelCall(_agent, call) {
      const labels = { provider: call.provider, model: models.of(call.model) };
      return timed((result, elapsed) => {
        if ("error" in result) {
          modelDuration.observe(
            { ...labels, outcome: result.error === "cancelled" ? "cancelled" : "error" },
            elapsed,
          );
          return;
        }
        modelDuration.observe({ ...labels, outcome: "ok" }, elapsed);
        for (const [kind, field] of tokenKinds) modelTokens.inc({ ...labels, kind }, result.usage[field]);
        if (result.costMicros !== undefined) modelCost.inc(labels, result.costMicros / 1e6);
      });
    },
    toolCall(_agent, call) {
      const tool = tools.of(call.name);
      return timed((result, elapsed) => {
        const outcome =
          "error" in result ? (result.error === "cancelled" ? "cancelled" : "failed") : result.status;
        toolDuration.observe({ tool, outcome }, elapsed);
      });
    },
    toolCallSettled: (_agent, call) =>
      instruments.toolCalls.inc({ tool: tools.of(call.name), outcome: call.status }),
    agentEnded: (agent, outcome) => instruments.agentsEnded.inc({ role: agent.role, outcome }),
    requestDecided: (request) =>
      instruments.requestWait.observe({ kind: request.kind, outcome: request.status }, request.waitedSeconds),
    agentRunEnded: () => undefined,
    slackCall(method, outcome, elapsed) {
      const label = methods.of(method);
      slackCalls.inc({ method: label, outcome });
      slackDuration.observe({ method: label }, elapsed);
    },
    slackRateLimited: (method) => instruments.slackRateLimited.inc({ method: methods.of(method) }),
    slackPaced: (method, waited) => instruments.slackPacing.observe({ method: methods.of(method) }, waited),
    firstFeedback: (surface, elapsed) =>
      instruments.firstFeedback.observe({ surface: surfaces.of(surface) }, elapsed),
    firstReply: (surface, elapsed) =>
      instruments.firstReply.observe({ surface: surfaces.of(surface) }, elapsed),
  };
}
