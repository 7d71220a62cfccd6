import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slackRateLimits } from "../../src/adapters/slack/rate-limit-policy.ts";
import { createSlackApi, createSlackWebClient } from "../../src/adapters/slack/slack-api.ts";
import { noTelemetry, type Telemetry } from "../../src/domain/telemetry-port.ts";
import { createSilentLogger } from "../../src/logger.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";

/** Telemetry that writes down what the Slack client reports. */
function recordingTelemetry() {
  const calls: { method: string; outcome: string; seconds: number }[] = [];
  const paced: { method: string; seconds: number }[] = [];
  const rateLimited: { method: string; retryAfter: number }[] = [];
  const telemetry: Telemetry = {
    ...noTelemetry,
    slackCall: (method, outcome, seconds) => calls.push({ method, outcome, seconds }),
    slackPaced: (method, seconds) => paced.push({ method, seconds }),
    slackRateLimited: (method, retryAfter) => rateLimited.push({ method, retryAfter }),
  };
  return { telemetry, calls, paced, rateLimited };
}

describe("Slack calls are measured", () => {
  let fake: FakeSlackServer;
  beforeAll(async () => {
    fake = await FakeSlackServer.start();
  });
  afterAll(async () => {
    await fake.close();
  });

  it("reports each call's outcome, its wait in the pacer and every 429", async () => {
    const recorded = recordingTelemetry();
    const logger = createSilentLogger();
    const api = createSlackApi({
      client: createSlackWebClient({ botToken: fake.botToken, apiUrl: fake.apiUrl, logger }),
      logger,
      limits: { ...slackRateLimits, postIntervalMs: 300 },
      telemetry: recorded.telemetry,
    });
    fake.failWithStatus("reactions.add", 429, { retryAfter: 1 });
    fake.failWithError("chat.getPermalink", "channel_not_found");
    const posts = Promise.all([
      api.call("chat.postMessage", { channel: "C0PACED", text: "one" }),
      api.call("chat.postMessage", { channel: "C0PACED", text: "two" }),
    ]);
    const reaction = api.call("reactions.add", { channel: "C0PACED", timestamp: "1.2", name: "eyes" });
    await expect(api.call("chat.getPermalink", { channel: "C0GONE", message_ts: "1.2" })).rejects.toThrow(
      "channel_not_found",
    );
    await Promise.all([posts, reaction]);
    expect(api.pending?.()).toBe(0);

    const outcomes = recorded.calls.map((call) => `${call.method} ${call.outcome}`).sort();
    expect(outcomes).toEqual([
      "chat.getPermalink error",
      "chat.postMessage ok",
      "chat.postMessage ok",
      "reactions.add ok",
      "reactions.add rate_limited",
    ]);
    expect(recorded.rateLimited).toEqual([{ method: "reactions.add", retryAfter: 1 }]);
    const postWaits = recorded.paced
      .filter((entry) => entry.method === "chat.postMessage")
      .map((entry) => entry.seconds);
    expect(postWaits[0]).toBeLessThan(0.2);
    // The second post waits out the channel's pace after the first finished.
    expect(postWaits[1]).toBeGreaterThanOrEqual(0.29);
    const reactionWaits = recorded.paced
      .filter((entry) => entry.method === "reactions.add")
      .map((entry) => entry.seconds);
    expect(reactionWaits).toHaveLength(2);
    expect(reactionWaits[1]).toBeGreaterThanOrEqual(0.99);
    for (const call of recorded.calls) expect(call.seconds).toBeLessThan(5);
  });
});
