import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeSlackServer, sendSignedInteraction } from "../fakes/fake-slack-server.ts";
import { scaled } from "../helpers/time-scale.ts";
import { channel, type Harness, signingSecret, startHarness } from "./support/harness.ts";
import { OffThreadSender } from "./support/off-thread-sender.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";

/** 400 ms on an idle machine, stretched on a busy one; the block stays three times longer. */
const ackBoundMs = scaled(400);
/** Well over the bound: an ack that waited for the main thread would take the block less 100 ms. */
const blockMs = 3 * ackBoundMs;

/** Holds the main thread as a long synchronous step of the runtime would (an embedded query, a big JSON). */
function blockMainThread(milliseconds: number): void {
  const until = performance.now() + milliseconds;
  while (performance.now() < until) {
    // busy
  }
}

describe("Slack acks while the main thread is blocked", () => {
  let fake: FakeSlackServer;
  let runtime: ScriptedRuntime;
  let harness: Harness;
  let sender: OffThreadSender;

  beforeAll(async () => {
    fake = await FakeSlackServer.start();
    runtime = new ScriptedRuntime();
    harness = await startHarness({ runtime, fake });
    sender = new OffThreadSender();
    harness.surface.app.view("ingress_test_view", async ({ ack }) => {
      await ack({ response_action: "errors", errors: { answer: "Say more" } });
    });
  });
  afterAll(async () => {
    await sender.close();
    await harness.stop();
    await fake.close();
  });

  const userMessages = () => runtime.inputs.filter((input) => input.type === "user-message");
  const envelope = (eventId: string, ts: string) => ({
    event_id: eventId,
    team_id: fake.teamId,
    event: { type: "app_mention", user: "U0OWNER", text: `<@${fake.botUserId}> hello`, ts, channel },
  });

  it("acks a signed event at once, and handles it once the main thread is free", async () => {
    const before = userMessages().length;
    const answer = sender.send({
      url: harness.eventsUrl,
      signingSecret,
      delayMs: 100,
      envelope: envelope("EvBlocked1", "1700002000.000100"),
    });
    blockMainThread(blockMs);
    const { status, ms } = await answer;
    expect(status).toBe(200);
    expect(ms).toBeLessThan(ackBoundMs);
    await fake.waitFor(() => userMessages().length > before);
    expect(userMessages().length - before).toBe(1);
  });

  it("refuses a forged signature at once, and never hands it on", async () => {
    const before = runtime.inputs.length;
    const answer = sender.send({
      url: harness.eventsUrl,
      signingSecret,
      signature: "v0=forged",
      delayMs: 100,
      envelope: envelope("EvForged1", "1700002000.000200"),
    });
    blockMainThread(blockMs);
    const { status, ms } = await answer;
    expect(status).toBe(401);
    expect(ms).toBeLessThan(ackBoundMs);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(runtime.inputs.length).toBe(before);
  });

  it("answers an interactive request with the body its listener acked with on the main thread", async () => {
    const response = await sendSignedInteraction(
      harness.eventsUrl,
      {
        type: "view_submission",
        user: { id: "U0OWNER", username: "owner", team_id: fake.teamId },
        team: { id: fake.teamId, domain: "threadwork-test" },
        api_app_id: "A0APP",
        token: "verification-token",
        trigger_id: "trigger.1",
        view: { id: "V0TEST", type: "modal", callback_id: "ingress_test_view", state: { values: {} } },
      },
      { signingSecret },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({ response_action: "errors", errors: { answer: "Say more" } });
  });
});
