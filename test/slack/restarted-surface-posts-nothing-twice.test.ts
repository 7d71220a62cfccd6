import { describe, expect, it } from "vitest";
import { createMemorySlackStore } from "../../src/surfaces/slack/slack-store.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { sleep } from "../helpers/sleep.ts";
import { channel } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";
import { useSlackSurface } from "./support/slack-surface-per-test.ts";

describe("a restarted Slack surface", () => {
  const slack = useSlackSurface();

  it("posts nothing again when a restarted surface sees the same events replayed", async () => {
    const runtime = new ScriptedRuntime();
    const store = createMemorySlackStore();
    const fake = await FakeSlackServer.start();
    const { harness: first, sessionId, threadTs } = await slack.startSession(runtime, { store, fake });
    const agent = runtime.startAgent(sessionId, "Replayed agent");
    const question = runtime.request(agent, "question", "Keep going?", { choices: ["yes", "no"] });
    await runtime.reply(sessionId, "turn-replayed", "Working on it.", ["Working ", "on it."]);
    runtime.emit({ type: "session-idle", sessionId });
    await fake.waitFor(() =>
      fake.threadMessages(channel, threadTs).some((message) => message.text.startsWith("Crew:")),
    );
    await fake.waitFor(() =>
      fake.threadMessages(channel, threadTs).some((message) => message.text === "Working on it."),
    );
    await first.stop();
    const postsBefore = fake.calls.filter((call) =>
      ["chat.postMessage", "chat.startStream"].includes(call.method),
    ).length;

    // A new process on the same store sees the runtime announce everything again.
    await slack.start({ runtime, fake, store });
    runtime.emit({ type: "agent-progress", sessionId, agent: { ...agent }, text: "again" });
    runtime.emit({ type: "question-asked", sessionId, request: { ...question } });
    runtime.emit({
      type: "reply-completed",
      sessionId,
      agentId: "supervisor",
      turnId: "turn-replayed",
      text: "Working on it.",
    });
    runtime.emit({ type: "session-idle", sessionId });
    await sleep(500);
    const postsAfter = fake.calls.filter((call) =>
      ["chat.postMessage", "chat.startStream"].includes(call.method),
    ).length;
    expect(postsAfter).toBe(postsBefore);
  });
});
