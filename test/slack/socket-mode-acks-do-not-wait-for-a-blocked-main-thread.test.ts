import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSilentLogger } from "../../src/logger.ts";
import { createSlackSurface, type SlackSurface } from "../../src/surfaces/slack/create-slack-surface.ts";
import { createMemorySlackStore } from "../../src/surfaces/slack/slack-store.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { OffThreadSocketServer } from "../fakes/off-thread-socket-server.ts";
import { eventually } from "../helpers/eventually.ts";
import { scaled } from "../helpers/time-scale.ts";
import { channel, slackConfig } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";

/** 400 ms on an idle machine, stretched on a busy one; the block stays three times longer. */
const ackBoundMs = scaled(400);
/** 1.2 s on an idle machine: an ack that waited for the main thread would take the block less 100 ms. */
const blockMs = 3 * ackBoundMs;

/** Holds the main thread as a long synchronous step of the runtime would (an embedded query, a big JSON). */
function blockMainThread(milliseconds: number): void {
  const until = performance.now() + milliseconds;
  while (performance.now() < until) {
    // busy
  }
}

describe("Socket Mode acks while the main thread is blocked", () => {
  let fake: FakeSlackServer;
  let socket: OffThreadSocketServer;
  let surface: SlackSurface;
  const runtime = new ScriptedRuntime();

  beforeAll(async () => {
    fake = await FakeSlackServer.start();
    socket = await OffThreadSocketServer.start();
    fake.socketModeUrl = socket.url;
    surface = createSlackSurface({
      config: slackConfig(fake, { appToken: fake.appToken, signingSecret: undefined }),
      runtime,
      store: createMemorySlackStore(),
      logger: createSilentLogger(),
      health: async () => ({ database: true, queue: true }),
      host: "127.0.0.1",
    });
    surface.app.view("socket_test_view", async ({ ack }) => {
      await ack({ response_action: "errors", errors: { answer: "Say more" } });
    });
    surface.app.command("/socket-test", async ({ ack }) => {
      await ack("pong");
    });
    await surface.start();
    await eventually(() => socket.connections > 0);
  });
  afterAll(async () => {
    await surface.stop();
    await socket.close();
    await fake.close();
  });

  const userMessages = () => runtime.inputs.filter((input) => input.type === "user-message");

  it("acks an event at once, and handles it once the main thread is free", async () => {
    const before = userMessages().length;
    const ack = socket.send(
      {
        type: "events_api",
        accepts_response_payload: false,
        payload: {
          token: "verification-token",
          team_id: fake.teamId,
          api_app_id: "A0APP",
          type: "event_callback",
          event_id: "EvSocketBlocked",
          event_time: Math.floor(Date.now() / 1000),
          event: {
            type: "app_mention",
            user: "U0OWNER",
            text: `<@${fake.botUserId}> hello while blocked`,
            ts: "1700060000.000100",
            channel,
          },
        },
      },
      100,
    );
    blockMainThread(blockMs);
    const { ms } = await ack;
    expect(ms).toBeLessThan(ackBoundMs);
    await eventually(() => userMessages().length > before);
    expect(userMessages().length - before).toBe(1);
    expect(userMessages().at(-1)).toMatchObject({ text: "hello while blocked" });
  });

  it("acks a view submission with the response its listener gave on the main thread", async () => {
    const ack = await socket.send({
      type: "interactive",
      accepts_response_payload: true,
      payload: {
        type: "view_submission",
        user: { id: "U0OWNER", username: "owner", team_id: fake.teamId },
        team: { id: fake.teamId, domain: "threadwork-test" },
        api_app_id: "A0APP",
        token: "verification-token",
        trigger_id: "trigger.1",
        view: { id: "V0TEST", type: "modal", callback_id: "socket_test_view", state: { values: {} } },
      },
    });
    expect(ack.payload).toEqual({ response_action: "errors", errors: { answer: "Say more" } });
  });

  it("acks a slash command with the text its listener answered", async () => {
    const ack = await socket.send({
      type: "slash_commands",
      accepts_response_payload: true,
      payload: {
        token: "verification-token",
        team_id: fake.teamId,
        team_domain: "threadwork-test",
        channel_id: channel,
        channel_name: "general",
        user_id: "U0OWNER",
        user_name: "owner",
        command: "/socket-test",
        text: "ping",
        api_app_id: "A0APP",
        response_url: `${fake.apiUrl}response`,
        trigger_id: "trigger.2",
      },
    });
    expect(ack.payload).toEqual({ text: "pong" });
  });
});
