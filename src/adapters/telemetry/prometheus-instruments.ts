import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** Counts read at each scrape, from the database and the in-process queues. */
export interface MetricsSources {
  agents(): Promise<{ role: string; state: string; count: number }[]>;
  sessions(): Promise<{ state: string; count: number }[]>;
  queues(): Promise<{ queue: string; depth: number }[]>;
}

const seconds = {
  model: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
  tool: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 600],
  wait: [1, 5, 15, 30, 60, 300, 600, 1800, 3600, 14_400, 86_400],
  slack: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
  pacing: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
  response: [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 300],
};

/** Gauges of sessions, agents and queues, read from `sources` at each scrape (none without them). */
export function registerSourceGauges(
  prefix: string,
  registers: Registry[],
  sources: MetricsSources | undefined,
) {
  new Gauge({
    name: `${prefix}sessions`,
    help: "Sessions by state: working (an agent runs or queues), waiting (on a person), idle.",
    labelNames: ["state"],
    registers,
    async collect() {
      if (!sources) return;
      this.reset();
      for (const row of await sources.sessions()) this.set({ state: row.state }, row.count);
    },
  });
  new Gauge({
    name: `${prefix}agents`,
    help: "Agents not finished, by role and state (queued, running, waiting, idle).",
    labelNames: ["role", "state"],
    registers,
    async collect() {
      if (!sources) return;
      this.reset();
      for (const row of await sources.agents()) this.set({ role: row.role, state: row.state }, row.count);
    },
  });
  new Gauge({
    name: `${prefix}queue_depth`,
    help: "Work waiting: agent-slots (workers queued for a slot), slack-calls (paced Web API calls).",
    labelNames: ["queue"],
    registers,
    async collect() {
      if (!sources) return;
      this.reset();
      for (const row of await sources.queues()) this.set({ queue: row.queue }, row.depth);
    },
  });
}

/** Sessions, agents, steps, model and tool calls, and requests waiting on people. */
function runtimeInstruments(prefix: string, registers: Registry[]) {
  const sessionsStarted = new Counter({
    name: `${prefix}sessions_started_total`,
    help: "Sessions started, by surface.",
    labelNames: ["surface"],
    registers,
  });
  const agentsEnded = new Counter({
    name: `${prefix}agents_ended_total`,
    help: "Agents that ended, by role and outcome (done, failed, cancelled).",
    labelNames: ["role", "outcome"],
    registers,
  });
  const steps = new Counter({
    name: `${prefix}steps_total`,
    help: "Agent steps, by role and kind (model, tool, drain, rest).",
    labelNames: ["role", "kind"],
    registers,
  });
  const modelDuration = new Histogram({
    name: `${prefix}model_call_duration_seconds`,
    help: "Model calls and how long they took, retries included, by provider, model and outcome.",
    labelNames: ["provider", "model", "outcome"],
    buckets: seconds.model,
    registers,
  });
  const modelTokens = new Counter({
    name: `${prefix}model_tokens_total`,
    help: "Tokens by provider, model and kind (input, output, cache_read, cache_write).",
    labelNames: ["provider", "model", "kind"],
    registers,
  });
  const modelCost = new Counter({
    name: `${prefix}model_cost_usd_total`,
    help: "Spend in US dollars by provider and model; a model with no price adds nothing.",
    labelNames: ["provider", "model"],
    registers,
  });
  const toolCalls = new Counter({
    name: `${prefix}tool_calls_total`,
    help: "Tool calls by tool and outcome (finished, failed, denied, rejected, interrupted).",
    labelNames: ["tool", "outcome"],
    registers,
  });
  const toolDuration = new Histogram({
    name: `${prefix}tool_call_duration_seconds`,
    help: "How long tools that ran took, by tool and outcome.",
    labelNames: ["tool", "outcome"],
    buckets: seconds.tool,
    registers,
  });
  const requestWait = new Histogram({
    name: `${prefix}request_wait_seconds`,
    help: "How long approvals, questions and budget requests waited for a person, by kind and outcome.",
    labelNames: ["kind", "outcome"],
    buckets: seconds.wait,
    registers,
  });
  return {
    sessionsStarted,
    agentsEnded,
    steps,
    modelDuration,
    modelTokens,
    modelCost,
    toolCalls,
    toolDuration,
    requestWait,
  };
}

/** Slack Web API calls, their answers, rate limits and pacing. */
function slackInstruments(prefix: string, registers: Registry[]) {
  const slackCalls = new Counter({
    name: `${prefix}slack_api_calls_total`,
    help: "Slack Web API calls by method and outcome (ok, error, rate_limited).",
    labelNames: ["method", "outcome"],
    registers,
  });
  const slackDuration = new Histogram({
    name: `${prefix}slack_api_call_duration_seconds`,
    help: "How long Slack took to answer, by method.",
    labelNames: ["method"],
    buckets: seconds.slack,
    registers,
  });
  const slackRateLimited = new Counter({
    name: `${prefix}slack_rate_limited_total`,
    help: "429 answers from Slack that were waited out and retried, by method.",
    labelNames: ["method"],
    registers,
  });
  const slackPacing = new Histogram({
    name: `${prefix}slack_pacing_delay_seconds`,
    help: "How long a Slack call waited in the pacer before it was sent, by method.",
    labelNames: ["method"],
    buckets: seconds.pacing,
    registers,
  });
  return { slackCalls, slackDuration, slackRateLimited, slackPacing };
}

/** How soon a message that arrives is seen and answered. */
function surfaceInstruments(prefix: string, registers: Registry[]) {
  const firstFeedback = new Histogram({
    name: `${prefix}first_feedback_seconds`,
    help: "From a message's arrival to the first sign it was seen (thread status or reaction).",
    labelNames: ["surface"],
    buckets: seconds.response,
    registers,
  });
  const firstReply = new Histogram({
    name: `${prefix}first_reply_seconds`,
    help: "From a message's arrival to the first reply text in its thread.",
    labelNames: ["surface"],
    buckets: seconds.response,
    registers,
  });

  return { firstFeedback, firstReply };
}

/** Every counter and histogram the telemetry feeds. */
export function createInstruments(prefix: string, registers: Registry[]) {
  return {
    ...runtimeInstruments(prefix, registers),
    ...slackInstruments(prefix, registers),
    ...surfaceInstruments(prefix, registers),
  };
}

export type Instruments = ReturnType<typeof createInstruments>;
