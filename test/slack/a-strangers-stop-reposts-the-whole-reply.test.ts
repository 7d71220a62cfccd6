import { describe, expect, it } from "vitest";
import { createSlackApi, createSlackWebClient } from "../../src/adapters/slack/slack-api.ts";
import { createSilentLogger } from "../../src/logger.ts";
import { ReplyStreamer } from "../../src/surfaces/slack/replies/reply-streamer.ts";
import { createMemorySlackStore, type SlackStore } from "../../src/surfaces/slack/slack-store.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { channel } from "./support/harness.ts";

const owner = "U0OWNER";

function streamerFor(fake: FakeSlackServer, store: SlackStore): ReplyStreamer {
  const logger = createSilentLogger();
  const api = createSlackApi({
    client: createSlackWebClient({ botToken: fake.botToken, apiUrl: fake.apiUrl, logger }),
    logger,
  });
  return new ReplyStreamer({ api, store, logger, intervalMs: 20 });
}

describe("a Stop pressed by someone who may not stop the work", () => {
  it("lets the reply come whole in a new message, even when Slack refused a write before the event came", async () => {
    const fake = await FakeSlackServer.start();
    const store = createMemorySlackStore();
    const replies = streamerFor(fake, store);
    const thread = { teamId: fake.teamId, channel, threadTs: "1700007000.000100", ownerId: owner };

    replies.delta("session_1", "turn-1", thread, "Splitting the work ");
    const started = await fake.waitFor(() => fake.threadMessages(channel, thread.threadTs)[0]);
    // Slack stops the stream at once; the event saying who pressed Stop comes later.
    fake.streams.stopByUser(channel, started.ts);
    replies.delta("session_1", "turn-1", thread, "across ");
    const refused = await fake.waitFor(
      () =>
        fake.calls.findIndex(
          (call) => call.method === "chat.appendStream" && call.error === "stopped_by_user",
        ) + 1,
    );
    // Until then the reply counts as stopped by its person.
    await fake.waitFor(() => !replies.accepts("turn-1"));

    replies.streamsStopped(channel, [started.ts], "interrupt");
    await fake.waitFor(() => replies.accepts("turn-1"));
    replies.delta("session_1", "turn-1", thread, "two agents.");
    const full = "Splitting the work across two agents.";
    await replies.completed("session_1", "turn-1", thread, full);
    await replies.idle();

    const messages = fake.threadMessages(channel, thread.threadTs);
    expect(messages.map((message) => message.text)).toEqual(["Splitting the work ", full]);
    expect(fake.calls.slice(refused).filter((call) => call.params.ts === started.ts)).toEqual([]);
    const whole = fake.callsTo("chat.postMessage").at(-1);
    expect(whole?.params).toMatchObject({ markdown_text: full, unfurl_links: "false" });
    expect(whole?.params.text).toBeUndefined();

    // A restarted process that sees the turn completed again posts nothing twice.
    const before = fake.calls.length;
    const restarted = streamerFor(fake, store);
    await restarted.completed("session_1", "turn-1", thread, full);
    await restarted.idle();
    expect(fake.calls.slice(before).filter((call) => call.method.startsWith("chat."))).toEqual([]);
    expect(fake.violations).toEqual([]);
    await fake.close();
  });

  it("never writes to the stopped stream when the event came first", async () => {
    const fake = await FakeSlackServer.start();
    const replies = streamerFor(fake, createMemorySlackStore());
    const thread = { teamId: fake.teamId, channel, threadTs: "1700007100.000100", ownerId: owner };

    replies.delta("session_1", "turn-2", thread, "First part. ");
    const started = await fake.waitFor(() => fake.threadMessages(channel, thread.threadTs)[0]);
    fake.streams.stopByUser(channel, started.ts);
    replies.streamsStopped(channel, [started.ts], "interrupt");
    expect(replies.accepts("turn-2")).toBe(true);
    replies.delta("session_1", "turn-2", thread, "Second part.");
    await replies.completed("session_1", "turn-2", thread, "First part. Second part.", true);
    await replies.idle();

    expect(fake.calls.filter((call) => call.params.ts === started.ts)).toEqual([]);
    expect(fake.threadMessages(channel, thread.threadTs).map((message) => message.text)).toEqual([
      "First part. ",
      "First part. Second part.",
    ]);
    expect(fake.violations).toEqual([]);
    await fake.close();
  });
});
