import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeSlackServer, sendSignedEvent, sendSignedJson } from "../fakes/fake-slack-server.ts";
import { sleep } from "../helpers/sleep.ts";
import { channel, type Harness, signingSecret, startHarness } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";

const owner = "U0OWNER";

describe("inbound Slack events", () => {
  let fake: FakeSlackServer;
  let runtime: ScriptedRuntime;
  let harness: Harness;
  let counter = 0;
  const nextTs = () => {
    counter += 1;
    return `1700001000.${String(counter).padStart(6, "0")}`;
  };

  beforeAll(async () => {
    fake = await FakeSlackServer.start();
    runtime = new ScriptedRuntime();
    harness = await startHarness({ runtime, fake });
  });
  afterAll(async () => {
    await harness.stop();
    await fake.close();
  });

  const userMessages = () => runtime.inputs.filter((input) => input.type === "user-message");

  it("starts one session when Slack delivers the same event three times", async () => {
    const ts = nextTs();
    const event = { type: "app_mention", user: owner, text: `<@${fake.botUserId}> hello`, ts, channel };
    const before = userMessages().length;
    const statuses = await Promise.all([
      harness.event("EvDup1", event),
      harness.event("EvDup1", event),
      harness.event("EvDup1", event),
    ]);
    expect(statuses).toEqual([200, 200, 200]);
    await fake.waitFor(() => userMessages().length > before);
    await sleep(200);
    expect(userMessages().length - before).toBe(1);
    expect(
      [...runtime.sessions.values()].filter((session) => session.conversationKey.endsWith(ts)),
    ).toHaveLength(1);
  });

  it("handles a mention inside a thread once although it arrives as app_mention and message", async () => {
    const threadTs = nextTs();
    const ts = nextTs();
    const base = { user: owner, text: `<@${fake.botUserId}> take a look`, ts, thread_ts: threadTs, channel };
    const before = userMessages().length;
    await harness.event("EvPairMessage", { ...base, type: "message", channel_type: "channel" });
    await harness.event("EvPairMention", { ...base, type: "app_mention" });
    await fake.waitFor(() => userMessages().length > before);
    await sleep(200);
    expect(userMessages().length - before).toBe(1);
  });

  it("continues a session from a plain thread reply, and ignores replies in threads without one", async () => {
    const threadTs = nextTs();
    await harness.event("EvStart", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> start`,
      ts: threadTs,
      channel,
    });
    await fake.waitFor(() => userMessages().some((input) => input.text === "start"));
    const sessions = runtime.sessions.size;

    await harness.event("EvReply", {
      type: "message",
      channel_type: "channel",
      user: "U0OTHER",
      text: "also check the logs",
      ts: nextTs(),
      thread_ts: threadTs,
      channel,
    });
    await fake.waitFor(() => userMessages().some((input) => input.text === "also check the logs"));
    const reply = userMessages().find((input) => input.text === "also check the logs");
    expect(reply?.key.conversationKey).toBe(`${fake.teamId}:${channel}:${threadTs}`);
    expect(runtime.sessions.size).toBe(sessions);

    await harness.event("EvStray", {
      type: "message",
      channel_type: "channel",
      user: owner,
      text: "unrelated thread chatter",
      ts: nextTs(),
      thread_ts: nextTs(),
      channel,
    });
    await sleep(200);
    expect(userMessages().some((input) => input.text === "unrelated thread chatter")).toBe(false);
  });

  it("ignores its own messages, other bots and edits", async () => {
    const threadTs = nextTs();
    await harness.event("EvOwnStart", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> go`,
      ts: threadTs,
      channel,
    });
    await fake.waitFor(
      () => runtime.sessions.size > 0 && userMessages().some((input) => input.text === "go"),
    );
    const before = runtime.inputs.length;
    const common = { type: "message", channel_type: "channel", thread_ts: threadTs, channel };
    await harness.event("EvOwn", {
      ...common,
      user: fake.botUserId,
      bot_id: fake.botId,
      text: "I am on it",
      ts: nextTs(),
    });
    await harness.event("EvBot", {
      ...common,
      bot_id: "B0OTHER",
      subtype: "bot_message",
      text: "deploy done",
      ts: nextTs(),
    });
    await harness.event("EvEdit", {
      ...common,
      subtype: "message_changed",
      message: { user: owner, text: "edited", ts: threadTs },
      ts: nextTs(),
    });
    await sleep(300);
    expect(runtime.inputs.length).toBe(before);
  });

  it("starts a DM session per top-level DM and continues it from the DM thread", async () => {
    const dm = "D0DIRECT";
    const first = nextTs();
    await harness.event("EvDm1", {
      type: "message",
      channel_type: "im",
      channel: dm,
      user: owner,
      text: "summarize the repo",
      ts: first,
    });
    await fake.waitFor(() => userMessages().some((input) => input.text === "summarize the repo"));
    const started = userMessages().find((input) => input.text === "summarize the repo");
    expect(started?.key.conversationKey).toBe(`${fake.teamId}:${dm}:${first}`);
    expect(started?.metadata).toEqual({ channel: dm, threadTs: first, teamId: fake.teamId });

    await harness.event("EvDm2", {
      type: "message",
      channel_type: "im",
      channel: dm,
      user: owner,
      text: "and the open issues",
      ts: nextTs(),
      thread_ts: first,
    });
    await fake.waitFor(() => userMessages().some((input) => input.text === "and the open issues"));
    const continued = userMessages().find((input) => input.text === "and the open issues");
    expect(continued?.key).toEqual(started?.key);

    const second = nextTs();
    await harness.event("EvDm3", {
      type: "message",
      channel_type: "im",
      channel: dm,
      user: owner,
      text: "new topic",
      ts: second,
    });
    await fake.waitFor(() => userMessages().some((input) => input.text === "new topic"));
    const sessionKeys = [...runtime.sessions.values()].map((session) => session.conversationKey);
    expect(sessionKeys).toContain(`${fake.teamId}:${dm}:${first}`);
    expect(sessionKeys).toContain(`${fake.teamId}:${dm}:${second}`);

    // The DM session streams its reply into the DM thread.
    const session = [...runtime.sessions.values()].find((item) => item.conversationKey.endsWith(first));
    await runtime.reply(session?.id ?? "", "dm-turn", "Here is the summary.", ["Here is ", "the summary."]);
    await fake.waitFor(() =>
      fake.threadMessages(dm, first).find((message) => message.text === "Here is the summary."),
    );
  });

  it("gives a session started mid-thread the earlier messages with their authors and files", async () => {
    const threadTs = nextTs();
    const earlier = nextTs();
    const mention = nextTs();
    fake.addUser({ id: "U0ALICE", name: "alice" });
    fake.addUser({ id: "U0BOB", name: "bob" });
    fake.setThread(channel, threadTs, [
      { user: "U0ALICE", text: "The nightly build fails on arm64", ts: threadTs },
      {
        user: "U0BOB",
        text: "Here is the log",
        ts: earlier,
        thread_ts: threadTs,
        files: [{ id: "F0LOG", name: "build.log" }],
      },
      { user: owner, text: `<@${fake.botUserId}> can you fix it?`, ts: mention, thread_ts: threadTs },
    ]);
    await harness.event("EvMid", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> can you fix it?`,
      ts: mention,
      thread_ts: threadTs,
      channel,
    });
    await fake.waitFor(() => userMessages().some((input) => input.text === "can you fix it?"));
    const input = userMessages().find((item) => item.text === "can you fix it?");
    expect(input?.history).toEqual([
      { author: "alice", userId: "U0ALICE", text: "The nightly build fails on arm64" },
      {
        author: "bob",
        userId: "U0BOB",
        text: expect.stringMatching(
          /^Here is the log\n\[attached file F0LOG: build\.log, .*read_slack_file\]$/,
        ),
      },
    ]);
    expect(input?.key.conversationKey).toBe(`${fake.teamId}:${channel}:${threadTs}`);
  });

  it("gives a long thread's first message and its latest ones, reading every page", async () => {
    const threadTs = nextTs();
    const replies = Array.from({ length: 250 }, (_, index) => ({
      user: "U0ALICE",
      text: `note ${index + 1}`,
      ts: `1700009000.${String(index + 1).padStart(6, "0")}`,
      thread_ts: threadTs,
    }));
    const mention = "1700009999.000001";
    fake.addUser({ id: "U0ALICE", name: "alice" });
    fake.addUser({ id: "U0BOB", name: "bob" });
    fake.setThread(channel, threadTs, [{ user: "U0BOB", text: "the parent", ts: threadTs }, ...replies]);
    const pagesBefore = fake.callsTo("conversations.replies").length;
    await harness.event("EvLong", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> sum it up`,
      ts: mention,
      thread_ts: threadTs,
      channel,
    });
    await fake.waitFor(() => userMessages().some((input) => input.text === "sum it up"));
    const history = userMessages().find((input) => input.text === "sum it up")?.history ?? [];
    expect(history).toHaveLength(100);
    expect(history[0]).toEqual({ author: "bob", userId: "U0BOB", text: "the parent" });
    expect(history[1]?.text).toBe("note 152");
    expect(history.at(-1)?.text).toBe("note 250");
    expect(fake.callsTo("conversations.replies").length - pagesBefore).toBe(2);
  });

  it("answers 401 to a forged or stale signature and does nothing", async () => {
    const before = runtime.inputs.length;
    const event = {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> forged`,
      ts: nextTs(),
      channel,
    };
    const envelope = { event_id: "EvForged", team_id: fake.teamId, event };
    const forged = await sendSignedEvent(harness.eventsUrl, envelope, { signingSecret: "not-the-secret" });
    expect(forged.status).toBe(401);
    const garbage = await sendSignedEvent(harness.eventsUrl, envelope, {
      signingSecret,
      signature: "v0=deadbeef",
    });
    expect(garbage.status).toBe(401);
    const staleTime = Math.floor(Date.now() / 1000) - 10 * 60;
    const stale = await sendSignedEvent(harness.eventsUrl, envelope, { signingSecret, timestamp: staleTime });
    expect(stale.status).toBe(401);
    // A correct signature over a different body is still a forgery.
    const body = JSON.stringify({
      type: "event_callback",
      event_id: "EvForged",
      team_id: fake.teamId,
      event,
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = `v0=${createHmac("sha256", signingSecret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
    const tampered = await fetch(harness.eventsUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-slack-request-timestamp": String(timestamp),
        "x-slack-signature": signature,
      },
      body: body.replace("forged", "tampered"),
    });
    expect(tampered.status).toBe(401);
    await sleep(200);
    expect(runtime.inputs.length).toBe(before);
  });

  it("answers Slack's url_verification challenge when the request URL is set", async () => {
    const response = await sendSignedJson(
      harness.eventsUrl,
      { token: "verification-token", type: "url_verification", challenge: "challenge-123" },
      { signingSecret },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ challenge: "challenge-123" });
  });

  it("reports health at GET /healthz", async () => {
    const response = await fetch(`${harness.baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, database: true, queue: true });
  });
});
