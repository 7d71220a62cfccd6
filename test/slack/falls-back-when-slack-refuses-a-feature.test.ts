import { describe, expect, it } from "vitest";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { channel, findButton } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";
import { owner, useSlackSurface } from "./support/slack-surface-per-test.ts";

describe("the Slack surface when Slack refuses a feature", () => {
  const slack = useSlackSurface();

  it("falls back to sections when Slack rejects plan blocks", async () => {
    const runtime = new ScriptedRuntime();
    const { fake, sessionId } = await slack.startSession(runtime);
    fake.failWithError("chat.postMessage", "invalid_blocks");
    runtime.startAgent(sessionId, "Agent with a plan");
    const board = await fake.waitFor(() =>
      [...fake.messages.values()].find((message) => message.text.startsWith("Crew:")),
    );
    const attempts = fake.calls.filter(
      (call) => call.method === "chat.postMessage" && String(call.params.text).startsWith("Crew:"),
    );
    expect(JSON.stringify(attempts[0]?.params.blocks)).toContain('"type":"plan"');
    expect(JSON.stringify(board.blocks)).not.toContain('"type":"plan"');
    expect(JSON.stringify(board.blocks)).toContain("Agent with a plan");
    expect(findButton(board.blocks, actionIds.stopAgent)).toBeDefined();
  });

  it("falls back to posting and editing when streaming fails", async () => {
    const runtime = new ScriptedRuntime();
    const { fake, sessionId, threadTs } = await slack.startSession(runtime);
    fake.failWithError("chat.startStream", "not_allowed");
    await runtime.reply(sessionId, "turn-x", "Streaming is off here, but you still get the reply.", [
      "Streaming is off here, ",
      "but you still get the reply.",
    ]);
    const reply = await fake.waitFor(() =>
      fake
        .threadMessages(channel, threadTs)
        .find((message) => message.text === "Streaming is off here, but you still get the reply."),
    );
    expect(reply.updates).toBeGreaterThanOrEqual(1);
    expect(fake.callsTo("chat.appendStream")).toHaveLength(0);
    // Model replies are Markdown, so the fallback posts them as markdown_text too.
    const fallbackPost = fake
      .callsTo("chat.postMessage")
      .find((call) => call.params.markdown_text !== undefined);
    expect(fallbackPost?.params.markdown_text).toBe("Streaming is off here, ");
    // A model-written link must not unfurl into a preview its page controls.
    expect([String(fallbackPost?.params.unfurl_links), String(fallbackPost?.params.unfurl_media)]).toEqual([
      "false",
      "false",
    ]);
  });

  it("reacts with :eyes: when the thread status is unavailable", async () => {
    const runtime = new ScriptedRuntime();
    const harness = await slack.start({ runtime });
    const { fake } = harness;
    fake.failWithError("assistant.threads.setStatus", "not_allowed");
    await harness.event("EvReact", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> hi`,
      ts: "1700003000.000100",
      channel,
    });
    const reaction = await fake.waitFor(() => fake.callsTo("reactions.add")[0]);
    expect(reaction.params).toMatchObject({ channel, timestamp: "1700003000.000100", name: "eyes" });
  });
});
