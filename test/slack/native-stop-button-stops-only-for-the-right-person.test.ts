import { afterEach, describe, expect, it } from "vitest";
import { strangerStopNote } from "../../src/surfaces/slack/listeners/agent-sessions.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { sleep } from "../helpers/sleep.ts";
import { channel, type Harness, startHarness } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";

const owner = "U0OWNER";
const approver = "U0LEAD";
const stranger = "U0STRANGER";

describe("Slack's own Stop button", () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  /** A session with two sub-agents at work and a reply streaming: Slack shows Stop. */
  async function busySession(threadTs: string) {
    const runtime = new ScriptedRuntime({ approvers: [approver] });
    const fake = await FakeSlackServer.start();
    fake.agentSessions.enable();
    harness = await startHarness({ runtime, fake });
    await harness.event(`Ev${threadTs}`, {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> refactor the billing module`,
      ts: threadTs,
      channel,
    });
    await fake.waitFor(() => runtime.sessions.size === 1);
    const sessionId = [...runtime.sessions.keys()][0] ?? "";
    const agents = [
      runtime.startAgent(sessionId, "Billing API"),
      runtime.startAgent(sessionId, "Billing UI"),
    ];
    const turnId = "turn-streaming";
    runtime.emit({
      type: "reply-delta",
      sessionId,
      agentId: "supervisor",
      turnId,
      delta: "Splitting the work ",
    });
    const started = await fake.waitFor(() => fake.callsTo("chat.startStream")[0]);
    const stream = await fake.waitFor(() =>
      fake.threadMessages(channel, threadTs).find((message) => message.text.startsWith("Splitting")),
    );
    await fake.waitFor(() => fake.agentSessions.statusOf(channel, threadTs) === "processing");
    expect(started.params.thread_ts).toBe(threadTs);
    return { runtime, fake, current: harness, sessionId, agents, turnId, streamTs: stream.ts };
  }

  it("stops every agent and the listed stream when the owner presses it, confirms, and shows the session closed", async () => {
    const threadTs = "1700200000.000100";
    const { runtime, fake, current, sessionId, agents, turnId, streamTs } = await busySession(threadTs);

    const event = fake.agentSessions.pressStop({ channel, threadTs, user: owner });
    expect(event.streaming_message_ts).toEqual([streamTs]);
    expect(await current.event("EvStopOwner", event as unknown as Record<string, unknown>)).toBe(200);

    await fake.waitFor(() => agents.every((agent) => agent.status === "cancelled"));
    expect(runtime.inputs.filter((input) => input.type === "cancel")).toEqual([
      { type: "cancel", sessionId, userId: owner },
    ]);
    const confirmation = await fake.waitFor(() =>
      fake.threadMessages(channel, threadTs).find((message) => message.text.includes("Stopped by")),
    );
    expect(confirmation.text).toContain(`<@${owner}>`);
    expect(confirmation.text).toContain("2 sub-agents cancelled");
    await fake.waitFor(() => fake.agentSessions.statusOf(channel, threadTs) === "closed");

    // The supervisor's stopped reply goes on in the background: none of it reaches the stream.
    const callsAfterStop = fake.calls.length;
    runtime.emit({
      type: "reply-delta",
      sessionId,
      agentId: "supervisor",
      turnId,
      delta: "across two agents.",
    });
    runtime.emit({
      type: "reply-completed",
      sessionId,
      agentId: "supervisor",
      turnId,
      text: "Splitting the work across two agents.",
      final: true,
    });
    await sleep(400);
    const touched = fake.calls
      .slice(callsAfterStop)
      .filter((call) => call.params.ts === streamTs || call.method.endsWith("Stream"));
    expect(touched).toEqual([]);
    expect(fake.messages.get(`${channel}:${streamTs}`)?.text).toBe("Splitting the work ");

    // A redelivery of the same event changes nothing.
    await current.event("EvStopOwner", event as unknown as Record<string, unknown>);
    await sleep(200);
    expect(runtime.inputs.filter((input) => input.type === "cancel")).toHaveLength(1);
  });

  it("lets an approver stop it too", async () => {
    const threadTs = "1700200100.000100";
    const { fake, current, agents } = await busySession(threadTs);
    const event = fake.agentSessions.pressStop({ channel, threadTs, user: approver });
    await current.event("EvStopApprover", event as unknown as Record<string, unknown>);
    await fake.waitFor(() => agents.every((agent) => agent.status === "cancelled"));
  });

  it("stops nothing for anyone else: an ephemeral note, the work goes on, and the status is sent again", async () => {
    const threadTs = "1700200200.000100";
    const { runtime, fake, current, agents, sessionId, turnId, streamTs } = await busySession(threadTs);
    const statusCalls = () => fake.callsTo("agents.sessions.setStatus").length;
    const before = statusCalls();

    const event = fake.agentSessions.pressStop({ channel, threadTs, user: stranger });
    await current.event("EvStopStranger", event as unknown as Record<string, unknown>);

    const note = await fake.waitFor(() =>
      fake.callsTo("chat.postEphemeral").find((call) => call.params.user === stranger),
    );
    expect(note.params).toMatchObject({ channel, thread_ts: threadTs, text: strangerStopNote });
    await fake.waitFor(() => statusCalls() === before + 1);
    expect(fake.callsTo("agents.sessions.setStatus").at(-1)?.params.status).toBe("processing");
    expect(fake.agentSessions.statusOf(channel, threadTs)).toBe("processing");
    expect(runtime.inputs.some((input) => input.type === "cancel")).toBe(false);
    expect(agents.map((agent) => agent.status)).toEqual(["running", "running"]);
    expect(fake.threadMessages(channel, threadTs).some((message) => message.text.includes("Stopped"))).toBe(
      false,
    );
    // Slack stopped the stream it showed: the reply, which goes on, comes in full below it.
    runtime.emit({
      type: "reply-delta",
      sessionId,
      agentId: "supervisor",
      turnId,
      delta: "across two agents.",
    });
    runtime.emit({
      type: "reply-completed",
      sessionId,
      agentId: "supervisor",
      turnId,
      text: "Splitting the work across two agents.",
    });
    const whole = await fake.waitFor(() =>
      fake
        .threadMessages(channel, threadTs)
        .find((message) => message.text === "Splitting the work across two agents."),
    );
    expect(whole.ts).not.toBe(streamTs);
    expect(fake.calls.filter((call) => call.params.ts === streamTs)).toEqual([]);
  });
});
