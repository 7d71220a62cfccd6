import { describe, expect, it } from "vitest";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";
import { useSlackSurface } from "./support/slack-surface-per-test.ts";

const boardOf = (messages: Iterable<{ text: string; blocks: unknown[] }>) =>
  [...messages].find((message) => message.text.startsWith("Crew:"));

describe("stopping the Slack surface", () => {
  const slack = useSlackSurface();

  it("draws a board redraw still waiting for its interval, sends the last reply and clears the status", async () => {
    const runtime = new ScriptedRuntime();
    const { harness, fake, sessionId, threadTs } = await slack.startSession(runtime, {
      boardIntervalMs: 60_000,
    });
    const helper = runtime.startAgent(sessionId, "Helper");
    await fake.waitFor(() => boardOf(fake.messages.values()));
    // The next edit may only come a minute after the first: a stop must not drop it.
    runtime.finish(helper, {});
    runtime.emit({
      type: "reply-completed",
      sessionId,
      agentId: "supervisor",
      turnId: "t1",
      text: "All done.",
    });
    runtime.emit({ type: "session-idle", sessionId });

    const stoppedAt = Date.now();
    expect(await harness.surface.stop({ deadline: Date.now() + 5000 })).toEqual({ flushed: true });
    expect(Date.now() - stoppedAt).toBeLessThan(5000);
    expect(JSON.stringify(boardOf(fake.messages.values())?.blocks)).toContain("done");
    expect(fake.threadMessages("C0GENERAL", threadTs).some((message) => message.text === "All done.")).toBe(
      true,
    );
    const statuses = fake.callsTo("assistant.threads.setStatus").map((call) => call.params.status);
    expect(statuses.at(-1)).toBe("");
  });

  it("gives up on updates Slack keeps rate limiting at the deadline, and says so", async () => {
    const runtime = new ScriptedRuntime();
    const { harness, fake, sessionId } = await slack.startSession(runtime, { boardIntervalMs: 60_000 });
    const helper = runtime.startAgent(sessionId, "Helper");
    await fake.waitFor(() => boardOf(fake.messages.values()));
    fake.failWithStatus("chat.update", 429, { retryAfter: 4 });
    runtime.finish(helper, {});

    const stoppedAt = Date.now();
    expect(await harness.surface.stop({ deadline: Date.now() + 1000 })).toEqual({ flushed: false });
    expect(Date.now() - stoppedAt).toBeLessThan(2500);
  });
});
