import { describe, expect, it } from "vitest";
import { createSlackApi, createSlackWebClient } from "../../src/adapters/slack/slack-api.ts";
import { createSilentLogger } from "../../src/logger.ts";
import { ReplyStreamer } from "../../src/surfaces/slack/replies/reply-streamer.ts";
import { createMemorySlackStore } from "../../src/surfaces/slack/slack-store.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { channel } from "./support/harness.ts";

const owner = "U0OWNER";

function streamerFor(fake: FakeSlackServer): ReplyStreamer {
  const logger = createSilentLogger();
  const api = createSlackApi({
    client: createSlackWebClient({ botToken: fake.botToken, apiUrl: fake.apiUrl, logger }),
    logger,
  });
  // The session is idle once the answer is out: its last stream leaves `active`.
  return new ReplyStreamer({
    api,
    store: createMemorySlackStore(),
    logger,
    intervalMs: 20,
    statusAfterStream: () => "active",
  });
}

function paragraphs(characters: number): string {
  const lines: string[] = [];
  for (let index = 0; lines.join("\n\n").length < characters; index += 1) {
    lines.push(`Paragraph ${index}: ${"lorem ipsum ".repeat(8).trim()}.`);
  }
  return lines.join("\n\n");
}

function hasFeedback(blocks: unknown): boolean {
  return JSON.stringify(blocks ?? []).includes('"feedback_buttons"');
}

describe("the stops of a final answer's streams", () => {
  it("keep the session processing where the answer continues, and only the last carries the buttons", async () => {
    const fake = await FakeSlackServer.start();
    const replies = streamerFor(fake);
    const thread = { teamId: fake.teamId, channel, threadTs: "1700008000.000100", ownerId: owner };
    const text = paragraphs(15_000);
    for (const delta of text.match(/[\s\S]{1,3000}/g) ?? []) {
      replies.delta("session_1", "turn-1", thread, delta);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await replies.completed("session_1", "turn-1", thread, text, Promise.resolve(true));
    await replies.idle();

    const stops = fake.callsTo("chat.stopStream");
    expect(stops.map((call) => call.params.session_status)).toEqual(["processing", "active"]);
    expect(stops.map((call) => hasFeedback(call.params.blocks))).toEqual([false, true]);
    expect(
      fake
        .threadMessages(channel, thread.threadTs)
        .map((message) => message.text)
        .join(""),
    ).toBe(text);
    expect(fake.violations).toEqual([]);
    await fake.close();
  });

  it("end the answer without the buttons where Slack refuses them", async () => {
    const fake = await FakeSlackServer.start();
    const replies = streamerFor(fake);
    const thread = { teamId: fake.teamId, channel, threadTs: "1700008100.000100", ownerId: owner };
    fake.failWithError("chat.stopStream", "invalid_blocks");
    await replies.completed("session_1", "turn-2", thread, "The answer, whole.", true);
    await replies.idle();

    const stops = fake.callsTo("chat.stopStream");
    expect(stops.map((call) => hasFeedback(call.params.blocks))).toEqual([true, false]);
    expect(stops.map((call) => call.params.session_status)).toEqual(["active", "active"]);
    expect(fake.threadMessages(channel, thread.threadTs).map((message) => message.text)).toEqual([
      "The answer, whole.",
    ]);
    expect(fake.streams.stateOf(channel, String(stops[1]?.params.ts))).toBe("stopped");
    expect(fake.violations).toEqual([]);
    await fake.close();
  });
});
