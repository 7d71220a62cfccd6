import type { AppClient } from "./app-client.ts";

export interface BusySample {
  atMs: number;
  modelCallsInFlight: number;
  steps: number;
  agents: number;
  busyAgents: number;
  slackCalls: number;
}

export interface BusySummary {
  seconds: number;
  samples: number;
  modelCallsInFlightMean: number;
  modelCallsInFlightMax: number;
  stepsPerSecond: number;
  /** Agents that existed when the window closed, and how many of them ran or waited to run at its end. */
  agentsAtEnd: number;
  busyAgentsMean: number;
  slackCallsPerSecond: number;
}

/**
 * Samples how busy the runtime is while something else is measured: model calls the fake LLM
 * holds, persisted steps, agents, and Slack calls, every `intervalMs` until `stop`.
 */
export function sampleBusy(options: {
  app: AppClient;
  modelCallsInFlight: () => number;
  slackCalls: () => number;
  intervalMs?: number;
}): { stop(): Promise<{ summary: BusySummary; samples: BusySample[] }> } {
  const samples: BusySample[] = [];
  const started = performance.now();
  let running = true;
  const loop = (async () => {
    while (running) {
      const inFlight = options.modelCallsInFlight();
      const slackCalls = options.slackCalls();
      const report = await options.app.report().catch(() => undefined);
      if (report) {
        samples.push({
          atMs: Math.round(performance.now() - started),
          modelCallsInFlight: inFlight,
          steps: report.steps,
          agents: report.agents,
          busyAgents: report.busy,
          slackCalls,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const first = samples[0];
      const last = samples.at(-1);
      const seconds = first && last ? Math.max(0.001, (last.atMs - first.atMs) / 1000) : 0;
      const mean = (pick: (sample: BusySample) => number) =>
        samples.length === 0 ? 0 : samples.reduce((sum, sample) => sum + pick(sample), 0) / samples.length;
      return {
        samples,
        summary: {
          seconds,
          samples: samples.length,
          modelCallsInFlightMean: Math.round(mean((sample) => sample.modelCallsInFlight) * 10) / 10,
          modelCallsInFlightMax: Math.max(0, ...samples.map((sample) => sample.modelCallsInFlight)),
          stepsPerSecond:
            first && last && seconds > 0 ? Math.round(((last.steps - first.steps) / seconds) * 10) / 10 : 0,
          agentsAtEnd: last?.agents ?? 0,
          busyAgentsMean: Math.round(mean((sample) => sample.busyAgents) * 10) / 10,
          slackCallsPerSecond:
            first && last && seconds > 0
              ? Math.round(((last.slackCalls - first.slackCalls) / seconds) * 10) / 10
              : 0,
        },
      };
    },
  };
}
