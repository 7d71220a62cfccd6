import { describe, expect, it } from "vitest";
import { channel } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";
import { useSlackSurface } from "./support/slack-surface-per-test.ts";

describe("a rate-limited crew board", () => {
  const slack = useSlackSurface();

  it("keeps replying while board edits wait out a 429", async () => {
    const runtime = new ScriptedRuntime();
    const { fake, sessionId, threadTs } = await slack.startSession(runtime);
    const agent = runtime.startAgent(sessionId, "Rate limited agent");
    const board = await fake.waitFor(() =>
      [...fake.messages.values()].find((message) => message.text.startsWith("Crew:")),
    );
    fake.failWithStatus("chat.update", 429, { retryAfter: 2 });
    runtime.progress(agent, "first progress");
    await fake.waitFor(() => fake.calls.some((call) => call.method === "chat.update" && call.status === 429));
    await runtime.reply(sessionId, "turn-429", "Still answering you.", []);
    await fake.waitFor(() =>
      fake.threadMessages(channel, threadTs).find((message) => message.text === "Still answering you."),
    );
    expect(JSON.stringify(board.blocks)).not.toContain("first progress");
    await fake.waitFor(() => JSON.stringify(board.blocks).includes("first progress"), 5000);
    // The reply went out while the board's edit waited out its Retry-After of 2 s.
    const updates = fake.calls.filter((call) => call.method === "chat.update");
    const limited = updates.find((call) => call.status === 429);
    const retried = updates.find((call) => call.status === 200 && (limited?.at ?? 0) < call.at);
    const reply = fake.calls.find(
      (call) => call.method === "chat.postMessage" && call.params.markdown_text === "Still answering you.",
    );
    expect((retried?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(1900);
    expect(reply?.at).toBeLessThan(retried?.at ?? 0);
  });
});
