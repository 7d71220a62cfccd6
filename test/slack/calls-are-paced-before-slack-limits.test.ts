import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RateLimits, slackRateLimits } from "../../src/adapters/slack/rate-limit-policy.ts";
import { createSlackApi, createSlackWebClient } from "../../src/adapters/slack/slack-api.ts";
import { createSilentLogger } from "../../src/logger.ts";
import { FakeSlackServer, type RecordedCall } from "../fakes/fake-slack-server.ts";

describe("Slack calls are paced before Slack has to say 429", () => {
  let fake: FakeSlackServer;
  beforeAll(async () => {
    fake = await FakeSlackServer.start();
  });
  afterAll(() => fake.close());

  function api(limits: Partial<RateLimits> = {}, maximumRateLimitRetries?: number) {
    const logger = createSilentLogger();
    return createSlackApi({
      client: createSlackWebClient({ botToken: fake.botToken, apiUrl: fake.apiUrl, logger }),
      logger,
      limits: { ...slackRateLimits, ...limits },
      ...(maximumRateLimitRetries !== undefined ? { maximumRateLimitRetries } : {}),
    });
  }

  const accepted = (method: string, channel: string) =>
    fake.calls.filter(
      (call) => call.method === method && call.params.channel === channel && call.status === 200,
    );
  const gaps = (calls: RecordedCall[]) =>
    calls.slice(1).map((call, index) => call.at - (calls[index]?.at ?? 0));

  it("spaces posts to one channel by a second, in order, without holding back other channels", async () => {
    const slack = api();
    const posts = ["first", "second", "third"].map((text) =>
      slack.call("chat.postMessage", { channel: "CPACE", thread_ts: "1.000100", text }),
    );
    const elsewhere = slack.call("chat.postMessage", { channel: "COTHER", text: "elsewhere" });
    await Promise.all([...posts, elsewhere]);

    const paced = accepted("chat.postMessage", "CPACE");
    expect(paced.map((call) => call.params.text)).toEqual(["first", "second", "third"]);
    for (const gap of gaps(paced)) expect(gap).toBeGreaterThanOrEqual(1000);
    const other = accepted("chat.postMessage", "COTHER")[0];
    expect(other?.at).toBeLessThan(paced[1]?.at ?? 0);
  });

  it("sends only the latest of several queued edits of one message", async () => {
    const slack = api({ edits: { kind: "bucket", perMinute: 60, burst: 1 } });
    const posted = await slack.call("chat.postMessage", { channel: "CEDIT", text: "board 0" });
    const edits = [1, 2, 3, 4, 5].map((index) =>
      slack.call("chat.update", { channel: "CEDIT", ts: posted.ts, text: `board ${index}` }),
    );
    const responses = await Promise.all(edits);

    expect(responses.every((response) => response.ok)).toBe(true);
    expect(accepted("chat.update", "CEDIT").map((call) => call.params.text)).toEqual(["board 1", "board 5"]);
    expect(fake.messages.get(`CEDIT:${String(posted.ts)}`)?.text).toBe("board 5");
  });

  it("lets a post through at once while chat.update waits out a 429", async () => {
    const slack = api();
    const posted = await slack.call("chat.postMessage", { channel: "CMIX", text: "board" });
    fake.failWithStatus("chat.update", 429, { retryAfter: 2 });
    const update = slack.call("chat.update", { channel: "CMIX", ts: posted.ts, text: "edited" });
    await fake.waitFor(() =>
      fake.calls.some(
        (call) => call.method === "chat.update" && call.params.channel === "CMIX" && call.status === 429,
      ),
    );
    const before = Date.now();
    await slack.call("chat.postMessage", { channel: "CMIX2", text: "question" });
    expect(Date.now() - before).toBeLessThan(1000);
    await update;
    expect(fake.messages.get(`CMIX:${String(posted.ts)}`)?.text).toBe("edited");
  });

  it("fails no call after a 429 storm, and drains the waiting calls at the pace", async () => {
    // Three edits are refused at once; the two behind them never met a 429 themselves.
    const slack = api({ edits: { kind: "bucket", perMinute: 600, burst: 3 } }, 1);
    const messages = await Promise.all(
      [1, 2, 3, 4, 5].map((index) =>
        slack.call("chat.postMessage", { channel: `CSTORM${index}`, text: `request ${index}` }),
      ),
    );
    fake.failWithStatus("chat.update", 429, { retryAfter: 1, times: 3 });
    const edits = messages.map((message, index) =>
      slack.call("chat.update", {
        channel: `CSTORM${index + 1}`,
        ts: message.ts,
        text: `answered ${index + 1}`,
      }),
    );
    const results = await Promise.allSettled(edits);

    expect(results.map((result) => result.status)).toEqual(Array(5).fill("fulfilled"));
    const updates = fake.calls.filter(
      (call) => call.method === "chat.update" && String(call.params.channel).startsWith("CSTORM"),
    );
    expect(updates.filter((call) => call.status === 429)).toHaveLength(3);
    const after = updates.filter((call) => call.status === 200);
    expect(after).toHaveLength(5);
    // Not all at once when the block lifts: 600 a minute is one every 100 ms.
    expect((after[4]?.at ?? 0) - (after[0]?.at ?? 0)).toBeGreaterThanOrEqual(350);
    for (const [index, message] of messages.entries()) {
      expect(fake.messages.get(`CSTORM${index + 1}:${String(message.ts)}`)?.text).toBe(
        `answered ${index + 1}`,
      );
    }
  });

  it("keeps the order of posts in a thread when one of them meets a 429", async () => {
    const slack = api({ postIntervalMs: 100 });
    fake.failWithStatus("chat.postMessage", 429, { retryAfter: 1 });
    const texts = ["one", "two", "three", "four"];
    await Promise.all(
      texts.map((text) => slack.call("chat.postMessage", { channel: "CORDER", thread_ts: "2.000100", text })),
    );
    expect(accepted("chat.postMessage", "CORDER").map((call) => call.params.text)).toEqual(texts);
  });

  it("sends a user-facing edit before queued background edits of the crew board", async () => {
    const slack = api({ edits: { kind: "bucket", perMinute: 300, burst: 1 } });
    const board = await slack.call("chat.postMessage", { channel: "CPRIO", text: "board" });
    const question = await slack.call("chat.postMessage", { channel: "CPRIO2", text: "question" });
    const background = { priority: "background" as const };
    await Promise.all([
      slack.call("chat.update", { channel: "CPRIO", ts: board.ts, text: "board 1" }, background),
      slack.call("chat.update", { channel: "CPRIO", ts: board.ts, text: "board 2" }, background),
      slack.call("chat.update", { channel: "CPRIO2", ts: question.ts, text: "answered" }),
    ]);
    const order = fake.calls
      .filter((call) => call.method === "chat.update" && String(call.params.channel).startsWith("CPRIO"))
      .map((call) => call.params.text);
    expect(order).toEqual(["board 1", "answered", "board 2"]);
  });

  it("replaces a queued thread status with the newer one (clearing wins over thinking)", async () => {
    const slack = api({ tier4: { kind: "bucket", perMinute: 600, burst: 1 } });
    const status = (text: string) =>
      slack.call("assistant.threads.setStatus", {
        channel_id: "CSTATUS",
        thread_ts: "3.000100",
        status: text,
      });
    await Promise.all([status("is thinking…"), status("is thinking…"), status("")]);
    const sent = fake.calls
      .filter((call) => call.method === "assistant.threads.setStatus" && call.params.channel_id === "CSTATUS")
      .map((call) => call.params.status);
    expect(sent).toEqual(["is thinking…", ""]);
  });
});
