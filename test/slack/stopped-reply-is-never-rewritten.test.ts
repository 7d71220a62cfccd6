import { afterEach, describe, expect, it } from "vitest";
import { createSlackApi, createSlackWebClient } from "../../src/adapters/slack/slack-api.ts";
import { createSilentLogger } from "../../src/logger.ts";
import { ReplyStreamer } from "../../src/surfaces/slack/replies/reply-streamer.ts";
import { createMemorySlackStore } from "../../src/surfaces/slack/slack-store.ts";
import { FakeSlackServer, type RecordedCall } from "../fakes/fake-slack-server.ts";
import { sleep } from "../helpers/sleep.ts";
import { channel, type Harness, startHarness } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";

const owner = "U0OWNER";

/** Message calls after `index` that touch message `ts`, or post anything into `threadTs`. */
function callsAfter(calls: RecordedCall[], index: number, ts: string, threadTs: string): RecordedCall[] {
  return calls
    .slice(index + 1)
    .filter(
      (call) =>
        call.method.startsWith("chat.") && (call.params.ts === ts || call.params.thread_ts === threadTs),
    );
}

describe("a reply the person stopped", () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it("ends where it was stopped: no later append, stop, chat.update or new message, even after a restart", async () => {
    const runtime = new ScriptedRuntime();
    const store = createMemorySlackStore();
    const fake = await FakeSlackServer.start();
    harness = await startHarness({ runtime, fake, store });
    const threadTs = "1700005000.000100";
    await harness.event("EvStop", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> explain`,
      ts: threadTs,
      channel,
    });
    await fake.waitFor(() => runtime.sessions.size === 1);
    const sessionId = [...runtime.sessions.keys()][0] ?? "";
    const delta = (text: string) =>
      runtime.emit({ type: "reply-delta", sessionId, agentId: "supervisor", turnId: "turn-1", delta: text });

    delta("First part of the answer. ");
    const started = await fake.waitFor(() => fake.threadMessages(channel, threadTs)[0]);
    // The person presses Stop on the streaming message.
    fake.streams.stopByUser(channel, started.ts);
    delta("Second part, [a link](https://example.com/x) ");
    const refused = await fake.waitFor(
      () =>
        fake.calls.findIndex(
          (call) => call.method === "chat.appendStream" && call.error === "stopped_by_user",
        ) + 1,
    );
    delta("third part.");
    await sleep(200);
    const full = "First part of the answer. Second part, [a link](https://example.com/x) third part.";
    runtime.emit({ type: "reply-completed", sessionId, agentId: "supervisor", turnId: "turn-1", text: full });
    runtime.emit({ type: "session-idle", sessionId });
    await sleep(400);

    expect(callsAfter(fake.calls, refused - 1, started.ts, threadTs)).toEqual([]);
    expect(
      fake.calls.filter((call) => call.method === "chat.update" && call.params.ts === started.ts),
    ).toEqual([]);
    expect(started.text).toBe("First part of the answer. ");
    expect(fake.threadMessages(channel, threadTs)).toHaveLength(1);

    // A restarted process that sees the reply completed again leaves it alone too.
    await harness.stop();
    const before = fake.calls.length;
    harness = await startHarness({ runtime, fake, store });
    runtime.emit({ type: "reply-completed", sessionId, agentId: "supervisor", turnId: "turn-1", text: full });
    await sleep(400);
    expect(callsAfter(fake.calls, before - 1, started.ts, threadTs)).toEqual([]);
    await harness.stop();
    harness = undefined;
    await fake.close();
  });

  it("ends when Slack reports the stream stopped (agent_session_stopped lists it)", async () => {
    const fake = await FakeSlackServer.start();
    const logger = createSilentLogger();
    const api = createSlackApi({
      client: createSlackWebClient({ botToken: fake.botToken, apiUrl: fake.apiUrl, logger }),
      logger,
    });
    const replies = new ReplyStreamer({ api, store: createMemorySlackStore(), logger, intervalMs: 20 });
    const thread = { teamId: fake.teamId, channel, threadTs: "1700005100.000100", ownerId: owner };
    replies.delta("session_1", "turn-2", thread, "Streaming along ");
    const started = await fake.waitFor(() => fake.threadMessages(channel, thread.threadTs)[0]);
    const index = fake.calls.length - 1;
    fake.streams.stopByUser(channel, started.ts);
    replies.streamsStopped(channel, [started.ts], "stop");
    replies.delta("session_1", "turn-2", thread, "and on ");
    await replies.completed("session_1", "turn-2", thread, "Streaming along and on and done.");
    await replies.idle();
    expect(callsAfter(fake.calls, index, started.ts, thread.threadTs)).toEqual([]);
    expect(fake.violations).toEqual([]);
    await fake.close();
  });
});
