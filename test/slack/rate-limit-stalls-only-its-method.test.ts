import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackApi, createSlackWebClient } from "../../src/adapters/slack/slack-api.ts";
import { SlackApiError } from "../../src/adapters/slack/slack-errors.ts";
import { createSilentLogger } from "../../src/logger.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";

describe("Slack rate limits", () => {
  let fake: FakeSlackServer;
  beforeAll(async () => {
    fake = await FakeSlackServer.start();
  });
  afterAll(() => fake.close());

  function api() {
    const logger = createSilentLogger();
    return createSlackApi({
      client: createSlackWebClient({ botToken: fake.botToken, apiUrl: fake.apiUrl, logger }),
      logger,
    });
  }

  it("waits out a 429's Retry-After on that method while other methods go through", async () => {
    const slack = api();
    const posted = await slack.call("chat.postMessage", { channel: "C1", text: "board" });
    fake.failWithStatus("chat.update", 429, { retryAfter: 1 });

    const update = slack.call("chat.update", { channel: "C1", ts: posted.ts, text: "edited" });
    await fake.waitFor(() => fake.calls.some((call) => call.method === "chat.update" && call.status === 429));

    // While chat.update waits, other methods are not held back: Slack sees them before the retry.
    await slack.call("chat.postMessage", { channel: "C1R", text: "a reply" });
    await slack.call("reactions.add", { channel: "C1", timestamp: posted.ts, name: "eyes" });

    await update;
    const updateCalls = fake.calls.filter((call) => call.method === "chat.update");
    expect(updateCalls.map((call) => call.status)).toEqual([429, 200]);
    const [limited, retried] = updateCalls;
    expect((retried?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(950);
    const reply = fake.calls.find(
      (call) => call.method === "chat.postMessage" && call.params.text === "a reply",
    );
    const reaction = fake.calls.find(
      (call) => call.method === "reactions.add" && call.params.channel === "C1",
    );
    expect(reply?.at).toBeLessThan(retried?.at ?? 0);
    expect(reaction?.at).toBeLessThan(retried?.at ?? 0);
    expect(fake.messages.get(`C1:${String(posted.ts)}`)?.text).toBe("edited");
  });

  it("keeps a second call to the rate-limited method waiting until Retry-After has passed", async () => {
    const slack = api();
    const posted = await slack.call("chat.postMessage", { channel: "C2", text: "board" });
    fake.failWithStatus("chat.update", 429, { retryAfter: 1 });
    const first = slack.call("chat.update", { channel: "C2", ts: posted.ts, text: "one" });
    await fake.waitFor(
      () => fake.calls.filter((call) => call.method === "chat.update" && call.status === 429).length === 2,
    );
    const limitedAt = Date.now();
    // Give the client a moment to read the 429 the fake just sent.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await slack.call("chat.update", { channel: "C2", ts: posted.ts, text: "two" });
    expect(Date.now() - limitedAt).toBeGreaterThanOrEqual(900);
    await first;
  });

  it("accepts SLACK_API_URL with or without a trailing slash", async () => {
    const logger = createSilentLogger();
    const client = createSlackWebClient({
      botToken: fake.botToken,
      apiUrl: fake.apiUrl.replace(/\/$/, ""),
      logger,
    });
    const slack = createSlackApi({ client, logger });
    expect((await slack.call("auth.test", {})).user_id).toBe(fake.botUserId);
  });

  it("retries a 500 and reports Slack's refusal as a SlackApiError", async () => {
    const slack = api();
    fake.failWithStatus("chat.postMessage", 500);
    const response = await slack.call("chat.postMessage", { channel: "C3", text: "after a 500" });
    expect(response.ok).toBe(true);
    expect(
      fake.calls
        .filter((call) => call.method === "chat.postMessage" && call.params.channel === "C3")
        .map((call) => call.status),
    ).toEqual([500, 200]);

    fake.failWithError("chat.postMessage", "channel_not_found");
    const refused = slack.call("chat.postMessage", { channel: "C404", text: "nowhere" });
    await expect(refused).rejects.toBeInstanceOf(SlackApiError);
    await expect(refused).rejects.toMatchObject({
      slackError: "channel_not_found",
      method: "chat.postMessage",
    });
  });

  it("gives up at once on a 429 for a call that would rather fail than wait, and while its method waits", async () => {
    const slack = api();
    fake.failWithStatus("conversations.replies", 429, { retryAfter: 60 });
    const first = slack.call(
      "conversations.replies",
      { channel: "C4", ts: "1.0" },
      { ifRateLimited: "fail" },
    );
    await expect(first).rejects.toMatchObject({ slackError: "ratelimited", method: "conversations.replies" });
    // The method waits out its minute: the next such call is refused without asking Slack.
    const second = slack.call(
      "conversations.replies",
      { channel: "C5", ts: "2.0" },
      { ifRateLimited: "fail" },
    );
    await expect(second).rejects.toMatchObject({ slackError: "ratelimited" });
    expect(fake.calls.filter((call) => call.method === "conversations.replies")).toHaveLength(1);
  });
});
