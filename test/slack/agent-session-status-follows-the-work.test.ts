import { afterEach, describe, expect, it } from "vitest";
import { processingRefreshMs } from "../../src/surfaces/slack/agent-sessions.ts";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { collectingLogger } from "../helpers/collecting-logger.ts";
import { channel, findButton, type Harness, startHarness } from "./support/harness.ts";
import { ManualTimers } from "./support/manual-timers.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";

const owner = "U0OWNER";
const minute = 60 * 1000;

describe("the thread's agent session follows the work", () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  async function start(options: { sessions?: boolean; logs?: string[] } = {}) {
    const runtime = new ScriptedRuntime();
    const timers = new ManualTimers();
    const fake = await FakeSlackServer.start();
    if (options.sessions !== false) fake.agentSessions.enable({ now: timers.now });
    const lines = options.logs;
    const logger = lines ? collectingLogger(lines).logger : undefined;
    harness = await startHarness({ runtime, fake, timers, ...(logger ? { logger } : {}) });
    const current = harness;
    const mention = async (ts: string, text: string) => {
      await current.event(`Ev${ts}`, {
        type: "app_mention",
        user: owner,
        text: `<@${fake.botUserId}> ${text}`,
        ts,
        channel,
      });
      await fake.waitFor(() => [...runtime.sessions.values()].find((s) => s.conversationKey.endsWith(ts)));
      const session = [...runtime.sessions.values()].find((s) => s.conversationKey.endsWith(ts));
      return session?.id ?? "";
    };
    const statuses = () => fake.callsTo("agents.sessions.setStatus").map((call) => call.params.status);
    return { runtime, timers, fake, harness: current, mention, statuses };
  }

  it("goes processing, suspended on a question, processing once answered, active when idle", async () => {
    const { runtime, fake, harness: current, mention, statuses } = await start();
    const threadTs = "1700100000.000100";
    const asked = Date.now();
    const sessionId = await mention(threadTs, "fix the <!channel> flaky tests");

    // Work shows within a second, on a session created with a title and whoever asked.
    const created = await fake.waitFor(() => fake.callsTo("agents.sessions.setStatus")[0]);
    expect(Date.now() - asked).toBeLessThan(1000);
    expect(created.params).toMatchObject({
      channel_id: channel,
      thread_ts: threadTs,
      status: "processing",
      initiator_user_id: owner,
    });
    expect(String(created.params.title)).toMatch(/^fix the @\u2060channel flaky tests$/);
    expect(fake.agentSessions.session(channel, threadTs)?.title).toBe(created.params.title);

    // The supervisor rests while a sub-agent works: still processing, nothing to send.
    const agent = runtime.startAgent(sessionId, "Fix flaky tests");
    runtime.emit({ type: "session-idle", sessionId });
    await fake.waitFor(() => fake.threadMessages(channel, threadTs).some((m) => m.text.startsWith("Crew:")));

    // A question waits on a person.
    runtime.request(agent, "question", "Which runner?", { choices: ["vitest", "jest"] });
    await fake.waitFor(() => fake.agentSessions.statusOf(channel, threadTs) === "suspended");
    const question = await fake.waitFor(() =>
      fake.threadMessages(channel, threadTs).find((message) => message.text.includes("asks:")),
    );
    const choice = findButton(question.blocks, actionIds.answerChoice);
    await current.click({
      user: owner,
      actionId: choice?.action_id ?? "",
      value: choice?.value ?? "",
      messageTs: question.ts,
      threadTs,
    });
    await fake.waitFor(() => statuses().length === 3);
    expect(fake.agentSessions.statusOf(channel, threadTs)).toBe("processing");

    // The agent finishes and nothing else runs: idle, ready for the next message.
    runtime.finish(agent, { summary: "fixed" });
    await fake.waitFor(() => fake.agentSessions.statusOf(channel, threadTs) === "active");
    expect(statuses()).toEqual(["processing", "suspended", "processing", "active"]);
    expect(fake.callsTo("assistant.threads.setStatus")).toHaveLength(0);
    expect(fake.callsTo("reactions.add")).toHaveLength(0);
  });

  it("re-sends processing before Slack's hour runs out, for as long as the work goes on", async () => {
    const { runtime, timers, fake, mention, statuses } = await start();
    const threadTs = "1700100100.000100";
    const sessionId = await mention(threadTs, "migrate the database");
    const agent = runtime.startAgent(sessionId, "Migrator");
    runtime.emit({ type: "session-idle", sessionId });
    // The surface took Slack's answer and set its heartbeat.
    await fake.waitFor(() => timers.pending === 1);

    // Three hours of work, looked at every five minutes of the fake clock.
    for (let elapsed = 0; elapsed < 180 * minute; elapsed += 5 * minute) {
      await timers.advance(5 * minute);
      expect(fake.agentSessions.statusOf(channel, threadTs)).toBe("processing");
    }
    const history = fake.agentSessions.session(channel, threadTs)?.history ?? [];
    const sent = history.filter((entry) => entry.via === "setStatus" && entry.status === "processing");
    expect(sent.length).toBeGreaterThanOrEqual(1 + Math.floor((180 * minute) / processingRefreshMs));
    for (let index = 1; index < sent.length; index += 1) {
      expect((sent[index]?.at ?? 0) - (sent[index - 1]?.at ?? 0)).toBeLessThan(60 * minute);
    }
    expect(history.some((entry) => entry.via === "lapse")).toBe(false);

    // Once idle, nothing is re-sent.
    runtime.finish(agent, { summary: "migrated" });
    await fake.waitFor(() => fake.agentSessions.statusOf(channel, threadTs) === "active");
    const calls = statuses().length;
    await timers.advance(120 * minute);
    expect(statuses()).toHaveLength(calls);
    expect(fake.agentSessions.statusOf(channel, threadTs)).toBe("active");
  });

  it("renames the session when the supervisor names the task, and keeps a person's rename", async () => {
    const { runtime, fake, harness: current, mention } = await start();
    const threadTs = "1700100200.000100";
    const sessionId = await mention(threadTs, "please look at the queue tests, they time out");
    runtime.nameSession(sessionId, "Fix <@U0BOSS> queue test timeouts");
    const renamed = await fake.waitFor(() => fake.callsTo("agents.sessions.rename")[0]);
    expect(renamed.params).toMatchObject({ channel_id: channel, thread_ts: threadTs });
    expect(String(renamed.params.title)).not.toContain("<@");
    expect(fake.agentSessions.session(channel, threadTs)?.title).toBe(renamed.params.title);

    const event = fake.agentSessions.renameByPerson({
      channel,
      threadTs,
      user: owner,
      teamId: fake.teamId,
      title: "Queue timeouts (prod)",
    });
    expect(await current.event("EvRename", event as unknown as Record<string, unknown>)).toBe(200);
    await fake.waitFor(() => runtime.sessions.get(sessionId)?.title === "Queue timeouts (prod)");
    expect(runtime.inputs.find((input) => input.type === "rename-session")).toEqual({
      type: "rename-session",
      sessionId,
      userId: owner,
      title: "Queue timeouts (prod)",
    });
  });

  it("uses the thread status where the app has no agent sessions, and says why once", async () => {
    const logs: string[] = [];
    const { fake, mention } = await start({ sessions: false, logs });
    await mention("1700100300.000100", "first");
    await mention("1700100400.000100", "second");
    await fake.waitFor(() => fake.callsTo("assistant.threads.setStatus").length === 2);
    expect(fake.calls.filter((call) => call.method === "agents.sessions.setStatus")).toHaveLength(1);
    expect(fake.callsTo("assistant.threads.setStatus").map((call) => call.params.status)).toEqual([
      "is thinking…",
      "is thinking…",
    ]);
    const refusals = logs.filter((line) => line.includes("refused agent sessions"));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toContain("not_allowed");
  });
});
