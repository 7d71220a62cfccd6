import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSilentLogger } from "../../src/logger.ts";
import { createSlackSurface, type SlackSurface } from "../../src/surfaces/slack/create-slack-surface.ts";
import { createMemorySlackStore } from "../../src/surfaces/slack/slack-store.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { channel, slackConfig } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";

describe("Socket Mode", () => {
  let fake: FakeSlackServer;
  let surface: SlackSurface;
  let healthPort = 0;
  const runtime = new ScriptedRuntime();

  beforeAll(async () => {
    fake = await FakeSlackServer.start();
    surface = createSlackSurface({
      config: slackConfig(fake, { appToken: fake.appToken, signingSecret: undefined }),
      runtime,
      store: createMemorySlackStore(),
      logger: createSilentLogger(),
      health: async () => ({ database: true, queue: true }),
      host: "127.0.0.1",
    });
    healthPort = (await surface.start()).port;
  });
  afterAll(async () => {
    await surface.stop();
    await fake.close();
  });

  it("connects with the app token, acknowledges events and starts a session", async () => {
    await fake.waitFor(() => fake.socketConnected);
    expect(fake.calls.some((call) => call.method === "apps.connections.open")).toBe(true);
    const envelopeId = fake.sendSocketEvent({
      event_id: "EvSocket",
      team_id: fake.teamId,
      event: {
        type: "app_mention",
        user: "U0OWNER",
        text: `<@${fake.botUserId}> over the socket`,
        ts: "1700050000.000100",
        channel,
      },
    });
    await fake.waitFor(() => fake.socketAcks.includes(envelopeId));
    await fake.waitFor(() => runtime.inputs.length === 1);
    expect(runtime.inputs[0]).toMatchObject({
      type: "user-message",
      text: "over the socket",
      key: { conversationKey: `${fake.teamId}:${channel}:1700050000.000100` },
    });
  });

  it("serves /healthz on PORT from its own server", async () => {
    const response = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, database: true, queue: true, slack: "connected" });
    expect((await fetch(`http://127.0.0.1:${healthPort}/slack/events`, { method: "POST" })).status).toBe(404);
  });
});
