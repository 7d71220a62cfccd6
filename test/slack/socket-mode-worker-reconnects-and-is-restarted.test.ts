import { Writable } from "node:stream";
import type { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, createSilentLogger } from "../../src/logger.ts";
import { createSlackSurface, type SlackSurface } from "../../src/surfaces/slack/create-slack-surface.ts";
import type { SocketModeWorkerReceiver } from "../../src/surfaces/slack/ingress/socket-mode-worker-receiver.ts";
import { createMemorySlackStore } from "../../src/surfaces/slack/slack-store.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { eventually } from "../helpers/eventually.ts";
import { channel, slackConfig } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";

/** No envelope can make the worker throw, so the test ends it the way a crash would. */
function socketModeWorker(surface: SlackSurface): Worker {
  const receiver = (surface.app as unknown as { receiver: SocketModeWorkerReceiver }).receiver;
  const worker = (receiver as unknown as { worker: Worker | undefined }).worker;
  if (!worker) throw new Error("the receiver has no worker");
  return worker;
}

describe("the Socket Mode worker", () => {
  let fake: FakeSlackServer;
  let surface: SlackSurface;
  let port = 0;
  const runtime = new ScriptedRuntime();
  const lines: string[] = [];

  beforeAll(async () => {
    fake = await FakeSlackServer.start();
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    // Debug, so the SDK's own lines (connection URLs, envelopes) are written too.
    const logger = createLogger({ level: "debug", environment: "test", destination });
    surface = createSlackSurface({
      config: slackConfig(fake, { appToken: fake.appToken, signingSecret: undefined }),
      runtime,
      store: createMemorySlackStore(),
      logger,
      health: async () => ({ database: true, queue: true }),
      host: "127.0.0.1",
    });
    port = (await surface.start()).port;
  });
  afterAll(async () => {
    await surface.stop();
    await fake.close();
  });

  const mention = async (eventId: string, ts: string) => {
    const before = runtime.inputs.length;
    const envelopeId = fake.sendSocketEvent({
      event_id: eventId,
      team_id: fake.teamId,
      event: { type: "app_mention", user: "U0OWNER", text: `<@${fake.botUserId}> ${eventId}`, ts, channel },
    });
    await fake.waitFor(() => fake.socketAcks.includes(envelopeId));
    await fake.waitFor(() => runtime.inputs.length > before);
  };
  const health = async () => {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it("reconnects when Slack asks it to refresh, and acks events on the new connection", async () => {
    await fake.waitFor(() => fake.socketConnected);
    const connections = fake.socketConnections;
    fake.refreshSocketMode();
    await fake.waitFor(() => fake.socketConnections > connections && fake.socketConnected, 10_000);
    await mention("EvAfterRefresh", "1700070000.000100");
    expect((await health()).body.slack).toBe("connected");
  });

  it("is logged when it dies, and a new one connects and acks events", async () => {
    const connections = fake.socketConnections;
    await socketModeWorker(surface).terminate();
    await eventually(() => lines.some((line) => line.includes("the Slack Socket Mode worker stopped")));
    await eventually(() =>
      lines.some((line) => line.includes("the Slack Socket Mode worker was started again")),
    );
    expect(fake.socketConnections).toBeGreaterThan(connections);
    await eventually(() => lines.some((line) => line.includes("Slack Socket Mode reconnected")));
    expect(await health()).toEqual({
      status: 200,
      body: { ok: true, database: true, queue: true, slack: "connected" },
    });
    await mention("EvAfterRestart", "1700070000.000200");
  });

  it("never writes the app token to the logs, even at debug", () => {
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toContain(fake.appToken);
  });
});

describe("a refused app token", () => {
  it("fails start-up with Slack's error, and never shows the token", async () => {
    const fake = await FakeSlackServer.start();
    const refused = "xapp-1-refused-app-token";
    const surface = createSlackSurface({
      config: slackConfig(fake, { appToken: refused, signingSecret: undefined }),
      runtime: new ScriptedRuntime(),
      store: createMemorySlackStore(),
      logger: createSilentLogger(),
      health: async () => ({ database: true, queue: true }),
      host: "127.0.0.1",
    });
    try {
      const failure = await surface.start().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).message).toContain("invalid_auth");
      expect((failure as Error).message).not.toContain(refused);
    } finally {
      await surface.stop();
      await fake.close();
    }
  });
});
