import { afterEach, describe, expect, it } from "vitest";
import { safeMarkdown } from "../../src/surfaces/slack/blocks/format.ts";
import type { FakeSlackServer, RecordedCall } from "../fakes/fake-slack-server.ts";
import { sleep } from "../helpers/sleep.ts";
import { channel, type Harness, startHarness } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";

const owner = "U0OWNER";
const replyMethods = new Set([
  "chat.startStream",
  "chat.appendStream",
  "chat.stopStream",
  "chat.postMessage",
  "chat.update",
]);

/** Paragraphs of about 100 characters, numbered so the order shows. */
function longText(characters: number): string {
  const paragraphs: string[] = [];
  for (let index = 0; paragraphs.join("\n\n").length < characters; index += 1) {
    paragraphs.push(
      `Paragraph ${index}: ${"lorem ipsum ".repeat(8).trim()} [docs](https://example.com/${index}).`,
    );
  }
  return paragraphs.join("\n\n");
}

/** The reply's calls to Slack: every one carries Markdown, none mrkdwn `text` (where `<url|label>` would be a live link). */
function replyCalls(fake: FakeSlackServer, threadTs: string): RecordedCall[] {
  const messages = new Set(fake.threadMessages(channel, threadTs).map((message) => message.ts));
  return fake.calls.filter(
    (call) =>
      replyMethods.has(call.method) &&
      (call.params.thread_ts === threadTs || messages.has(String(call.params.ts))),
  );
}

describe("a reply longer than one message or one stream", () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  async function startSession(threadTs: string, clock?: { now(): Date }) {
    const runtime = new ScriptedRuntime();
    harness = await startHarness({ runtime, ...(clock ? { clock } : {}) });
    await harness.event(`Ev${threadTs}`, {
      type: "app_mention",
      user: owner,
      text: `<@${harness.fake.botUserId}> write a lot`,
      ts: threadTs,
      channel,
    });
    await harness.fake.waitFor(() => runtime.sessions.size === 1);
    return { runtime, fake: harness.fake, sessionId: [...runtime.sessions.keys()][0] ?? "" };
  }

  it("streams 30,000 characters as three streams of at most 12,000, continued below one another", async () => {
    const threadTs = "1700006000.000100";
    const { runtime, fake, sessionId } = await startSession(threadTs);
    const text = longText(30_000);
    const deltas = text.match(/[\s\S]{1,2500}/g) ?? [];
    await runtime.reply(sessionId, "turn-long", text, deltas, 20);
    await fake.waitFor(() => fake.callsTo("chat.stopStream").length === 3, 10_000);
    const messages = fake.threadMessages(channel, threadTs);
    expect(messages).toHaveLength(3);
    // Markdown links show their target (safeMarkdown); nothing else changes.
    expect(messages.map((message) => message.text).join("")).toBe(safeMarkdown(text));
    expect(messages.every((message) => message.text.length <= 12_000)).toBe(true);
    const calls = replyCalls(fake, threadTs);
    expect(calls.filter((call) => call.params.text !== undefined)).toEqual([]);
    expect(calls.every((call) => String(call.params.markdown_text ?? "").length <= 12_000)).toBe(true);
    expect(fake.callsTo("chat.update")).toEqual([]);
    // The two streams that continue below keep the session working; the last one ends it.
    expect(fake.callsTo("chat.stopStream").map((call) => call.params.session_status)).toEqual([
      "processing",
      "processing",
      undefined,
    ]);
  });

  it("posts a long reply that arrived whole as several Markdown messages", async () => {
    const threadTs = "1700006100.000100";
    const { runtime, fake, sessionId } = await startSession(threadTs);
    const text = longText(25_000);
    await runtime.reply(sessionId, "turn-whole", text);
    await fake.waitFor(() => fake.threadMessages(channel, threadTs).length === 3);
    const messages = fake.threadMessages(channel, threadTs);
    expect(messages.map((message) => message.text).join("")).toBe(safeMarkdown(text));
    const posts = replyCalls(fake, threadTs);
    expect(posts.map((call) => call.method)).toEqual([
      "chat.postMessage",
      "chat.postMessage",
      "chat.postMessage",
    ]);
    expect(
      posts.every((call) => call.params.text === undefined && call.params.unfurl_links === "false"),
    ).toBe(true);
  });

  it("continues in a new stream when Slack closed the first, never editing the closed one", async () => {
    const threadTs = "1700006200.000100";
    const { runtime, fake, sessionId } = await startSession(threadTs);
    const delta = (text: string) =>
      runtime.emit({
        type: "reply-delta",
        sessionId,
        agentId: "supervisor",
        turnId: "turn-expired",
        delta: text,
      });
    delta("The beginning. ");
    const first = await fake.waitFor(() => fake.threadMessages(channel, threadTs)[0]);
    fake.streams.expire(channel, first.ts);
    delta("The middle. ");
    await sleep(200);
    delta("The end.");
    await sleep(200);
    runtime.emit({
      type: "reply-completed",
      sessionId,
      agentId: "supervisor",
      turnId: "turn-expired",
      text: "The beginning. The middle. The end.",
    });
    await fake.waitFor(() => fake.threadMessages(channel, threadTs).length === 2);
    await fake.waitFor(() => fake.callsTo("chat.stopStream").some((call) => call.error === undefined));
    const [closed, continued] = fake.threadMessages(channel, threadTs);
    expect(closed?.text).toBe("The beginning. ");
    expect(continued?.text).toBe("The middle. The end.");
    expect(
      fake.calls.filter((call) => call.params.ts === first.ts && call.method !== "chat.appendStream"),
    ).toEqual([]);
  });

  it("starts a new stream before Slack's stream lifetime runs out", async () => {
    const threadTs = "1700006300.000100";
    let now = new Date("2026-11-24T05:00:00Z");
    const { runtime, fake, sessionId } = await startSession(threadTs, { now: () => now });
    const delta = (text: string) =>
      runtime.emit({
        type: "reply-delta",
        sessionId,
        agentId: "supervisor",
        turnId: "turn-slow",
        delta: text,
      });
    delta("Thinking for a long time. ");
    const first = await fake.waitFor(() => fake.threadMessages(channel, threadTs)[0]);
    await sleep(100); // the streamer has read Slack's answer and noted when the stream began
    now = new Date(now.getTime() + 4.5 * 60_000);
    delta("Done thinking.");
    await fake.waitFor(() => fake.threadMessages(channel, threadTs).length === 2);
    runtime.emit({
      type: "reply-completed",
      sessionId,
      agentId: "supervisor",
      turnId: "turn-slow",
      text: "Thinking for a long time. Done thinking.",
    });
    await fake.waitFor(() => fake.callsTo("chat.stopStream").length === 2);
    expect(first.text).toBe("Thinking for a long time. ");
    expect(fake.threadMessages(channel, threadTs)[1]?.text).toBe("Done thinking.");
    expect(fake.callsTo("chat.stopStream")[0]?.params).toMatchObject({
      ts: first.ts,
      session_status: "processing",
    });
    expect(fake.callsTo("chat.update")).toEqual([]);
  });
});
