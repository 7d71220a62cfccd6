import { afterEach, describe, expect, it } from "vitest";
import { createPrometheusMetrics } from "../../src/adapters/telemetry/prometheus-metrics.ts";
import type { Config } from "../../src/config/config.ts";
import { createSilentLogger } from "../../src/logger.ts";
import { createSlackSurface, type SlackSurface } from "../../src/surfaces/slack/create-slack-surface.ts";
import { createMemorySlackStore } from "../../src/surfaces/slack/slack-store.ts";
import { FakeSlackServer, sendSignedEvent } from "../fakes/fake-slack-server.ts";
import { freePort } from "../helpers/free-port.ts";
import { channel, signingSecret, slackConfig } from "../slack/support/harness.ts";
import { ScriptedRuntime } from "../slack/support/scripted-runtime.ts";
import { sample } from "./support/started-application.ts";

describe("GET /metrics", () => {
  let fake: FakeSlackServer | undefined;
  let surface: SlackSurface | undefined;
  afterEach(async () => {
    await surface?.stop();
    await fake?.close();
    surface = undefined;
  });

  async function startSurface(mode: Partial<Config["slack"]>, withMetrics = true) {
    fake = await FakeSlackServer.start();
    const metrics = createPrometheusMetrics({
      sources: {
        agents: async () => [{ role: "worker", state: "running", count: 2 }],
        sessions: async () => [{ state: "working", count: 1 }],
        queues: async () => [{ queue: "slack-calls", depth: 3 }],
      },
    });
    surface = createSlackSurface({
      config: slackConfig(fake, mode),
      runtime: new ScriptedRuntime(),
      store: createMemorySlackStore(),
      logger: createSilentLogger(),
      health: async () => ({ database: true, queue: true }),
      host: "127.0.0.1",
      ...(withMetrics ? { metrics, telemetry: metrics.telemetry } : {}),
    });
    const { port } = await surface.start();
    return { fake, baseUrl: `http://127.0.0.1:${port}` };
  }

  const mention = (fake: FakeSlackServer) => ({
    type: "app_mention",
    user: "U0OWNER",
    text: `<@${fake.botUserId}> hello`,
    ts: "1700060000.000100",
    channel,
  });

  it("answers beside /healthz in Socket Mode, with the gauges read at the scrape", async () => {
    const { fake, baseUrl } = await startSurface({
      appToken: "xapp-1-test-app-token",
      signingSecret: undefined,
    });
    await fake.waitFor(() => fake.socketConnected);
    fake.sendSocketEvent({ event_id: "EvMetrics1", team_id: fake.teamId, event: mention(fake) });
    await fake.waitFor(() => fake.callsTo("assistant.threads.setStatus").length === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const response = await fetch(`${baseUrl}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(sample(text, "threadwork_agents", { role: "worker", state: "running" })).toBe(2);
    expect(sample(text, "threadwork_sessions", { state: "working" })).toBe(1);
    expect(sample(text, "threadwork_queue_depth", { queue: "slack-calls" })).toBe(3);
    expect(sample(text, "threadwork_first_feedback_seconds_count", { surface: "slack" })).toBe(1);
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
  });

  it("answers on the receiver's port in HTTP mode", async () => {
    const { fake, baseUrl } = await startSurface({});
    const status = await sendSignedEvent(
      `${baseUrl}/slack/events`,
      { event_id: "EvMetrics2", team_id: fake.teamId, event: mention(fake) },
      { signingSecret },
    );
    expect(status.status).toBe(200);
    await fake.waitFor(() => fake.callsTo("assistant.threads.setStatus").length === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(sample(text, "threadwork_first_feedback_seconds_count", { surface: "slack" })).toBe(1);
    expect(text).toContain("# TYPE threadwork_model_call_duration_seconds histogram");
  });

  for (const [mode, settings] of [
    ["HTTP mode", {}],
    ["Socket Mode", { appToken: "xapp-1-test-app-token", signingSecret: undefined }],
  ] as const) {
    it(`moves to its own listener, off the public port, with THREADWORK_METRICS_ADDRESS (${mode})`, async () => {
      const metricsPort = await freePort();
      const { baseUrl } = await startSurface({
        ...settings,
        metricsListener: { host: "127.0.0.1", port: metricsPort },
      });
      expect((await fetch(`${baseUrl}/metrics`)).status).toBe(404);
      expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
      const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain("# TYPE threadwork_model_call_duration_seconds histogram");
      // The private listener serves nothing else.
      expect((await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status).toBe(404);
      await surface?.stop();
      surface = undefined;
      await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
    });
  }

  it("is not served when no metrics are wired in", async () => {
    const { baseUrl } = await startSurface(
      { appToken: "xapp-1-test-app-token", signingSecret: undefined },
      false,
    );
    expect((await fetch(`${baseUrl}/metrics`)).status).toBe(404);
  });
});
