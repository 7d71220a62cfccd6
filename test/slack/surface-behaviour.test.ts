import { afterEach, describe, expect, it } from "vitest";
import { actionIds, answerInput, viewIds } from "../../src/domain/slack-blocks/action-ids.ts";
import { createMemorySlackStore, type SlackStore } from "../../src/surfaces/slack/slack-store.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { channel, findButton, type Harness, startHarness } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";

const owner = "U0OWNER";
const approver = "U0LEAD";
const stranger = "U0STRANGER";

function sleep(milliseconds: number) {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

describe("the Slack surface", () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  async function startSession(
    runtime: ScriptedRuntime,
    options: { boardIntervalMs?: number; store?: SlackStore; fake?: FakeSlackServer } = {},
  ) {
    harness = await startHarness({ runtime, ...options });
    const ts = "1700002000.000100";
    await harness.event("EvStart", {
      type: "app_mention",
      user: owner,
      text: `<@${harness.fake.botUserId}> work`,
      ts,
      channel,
    });
    await harness.fake.waitFor(() => runtime.sessions.size === 1);
    const sessionId = [...runtime.sessions.keys()][0] ?? "";
    return { harness, fake: harness.fake, sessionId, threadTs: ts };
  }

  it("coalesces crew board edits to at most one per second", async () => {
    const runtime = new ScriptedRuntime();
    const { fake, sessionId } = await startSession(runtime, { boardIntervalMs: 1000 });
    const agent = runtime.startAgent(sessionId, "Busy agent");
    const started = Date.now();
    for (let index = 0; index < 25; index += 1) {
      runtime.progress(agent, `step ${index}`);
      await sleep(100);
    }
    await fake.waitFor(() => {
      const board = [...fake.messages.values()].find((message) => message.text.startsWith("Crew:"));
      return board && JSON.stringify(board.blocks).includes("step 24");
    }, 3000);
    const boardCalls = fake.calls.filter(
      (call) =>
        (call.method === "chat.postMessage" || call.method === "chat.update") &&
        String(call.params.text).startsWith("Crew:"),
    );
    const elapsedSeconds = (Date.now() - started) / 1000;
    expect(boardCalls.length).toBeLessThanOrEqual(Math.ceil(elapsedSeconds) + 1);
    for (let index = 1; index < boardCalls.length; index += 1) {
      expect((boardCalls[index]?.at ?? 0) - (boardCalls[index - 1]?.at ?? 0)).toBeGreaterThanOrEqual(950);
    }
  });

  it("keeps replying while board edits wait out a 429", async () => {
    const runtime = new ScriptedRuntime();
    const { fake, sessionId, threadTs } = await startSession(runtime);
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

  it("posts nothing again when a restarted surface sees the same events replayed", async () => {
    const runtime = new ScriptedRuntime();
    const store = createMemorySlackStore();
    const fake = await FakeSlackServer.start();
    const { harness: first, sessionId, threadTs } = await startSession(runtime, { store, fake });
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
    harness = await startHarness({ runtime, fake, store });
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

  it("falls back to sections when Slack rejects plan blocks", async () => {
    const runtime = new ScriptedRuntime();
    const { fake, sessionId } = await startSession(runtime);
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
    const { fake, sessionId, threadTs } = await startSession(runtime);
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

  it("answers through the modal, and refuses a stale Answer… click", async () => {
    const runtime = new ScriptedRuntime();
    const { harness: current, fake, sessionId, threadTs } = await startSession(runtime);
    const agent = runtime.startAgent(sessionId, "Researcher");
    const question = runtime.request(agent, "question", "What is the staging URL?");
    const message = await fake.waitFor(() =>
      fake.threadMessages(channel, threadTs).find((item) => item.text.includes("asks:")),
    );
    const open = findButton(message.blocks, actionIds.answerOpen);
    await current.click({
      user: owner,
      actionId: actionIds.answerOpen,
      value: open?.value ?? "",
      messageTs: message.ts,
      threadTs,
    });
    const opened = await fake.waitFor(() => fake.callsTo("views.open")[0]);
    expect(opened.params.trigger_id).toBe(`trigger.${message.ts}`);
    const view = opened.params.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(viewIds.answerModal);

    const status = await current.interaction({
      type: "view_submission",
      user: { id: owner, team_id: fake.teamId },
      team: { id: fake.teamId },
      api_app_id: "A0APP",
      token: "verification-token",
      trigger_id: "trigger.submit",
      view: {
        id: "V1",
        type: "modal",
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
        state: {
          values: {
            [answerInput.blockId]: {
              [answerInput.actionId]: { type: "plain_text_input", value: "https://staging.example.com" },
            },
          },
        },
      },
    });
    expect(status).toBe(200);
    await fake.waitFor(() => JSON.stringify(message.blocks).includes("staging.example.com"));
    expect(runtime.requests.get(question.id)).toMatchObject({ status: "answered", decidedBy: owner });
    expect(JSON.stringify(message.blocks)).toContain(`<@${owner}>`);

    await current.click({
      user: stranger,
      actionId: actionIds.answerOpen,
      value: open?.value ?? "",
      messageTs: message.ts,
      threadTs,
    });
    const notice = await fake.waitFor(() => fake.callsTo("chat.postEphemeral")[0]);
    expect(notice.params).toMatchObject({ user: stranger, channel });
    expect(String(notice.params.text)).toContain(`already answered by <@${owner}>`);
    expect(fake.callsTo("views.open")).toHaveLength(1);
  });

  it("lets only the owner or an approver extend a budget or stop agents", async () => {
    const runtime = new ScriptedRuntime({ approvers: [approver] });
    const { harness: current, fake, sessionId, threadTs } = await startSession(runtime);
    const agent = runtime.startAgent(sessionId, "Spender");
    const budget = runtime.request(agent, "budget", "This session used $5.00 of its $5.00 budget.");
    const message = await fake.waitFor(() =>
      fake.threadMessages(channel, threadTs).find((item) => item.text.startsWith("Budget reached")),
    );
    const extend = findButton(message.blocks, actionIds.budgetExtend);
    expect(findButton(message.blocks, actionIds.budgetStop)).toBeDefined();

    await current.click({
      user: stranger,
      actionId: actionIds.budgetExtend,
      value: extend?.value ?? "",
      messageTs: message.ts,
      threadTs,
    });
    await fake.waitFor(() => fake.callsTo("chat.postEphemeral").length === 1);
    expect(runtime.requests.get(budget.id)?.status).toBe("pending");

    await current.click({
      user: approver,
      actionId: actionIds.budgetExtend,
      value: extend?.value ?? "",
      messageTs: message.ts,
      threadTs,
    });
    await fake.waitFor(() => JSON.stringify(message.blocks).includes("Budget extended"));
    expect(runtime.requests.get(budget.id)).toMatchObject({ status: "extended", decidedBy: approver });

    const board = await fake.waitFor(() =>
      [...fake.messages.values()].find((item) => item.text.startsWith("Crew:")),
    );
    await current.click({
      user: stranger,
      actionId: actionIds.stopAll,
      value: "all",
      messageTs: board.ts,
      threadTs,
    });
    await fake.waitFor(() => fake.callsTo("chat.postEphemeral").length === 2);
    expect(String(fake.callsTo("chat.postEphemeral")[1]?.params.text)).toContain("can stop its agents");
    expect(runtime.inputs.some((input) => input.type === "cancel")).toBe(false);

    await current.click({
      user: owner,
      actionId: actionIds.stopAgent,
      value: agent.id,
      messageTs: board.ts,
      threadTs,
    });
    await fake.waitFor(() => runtime.inputs.some((input) => input.type === "cancel"));
    expect(runtime.inputs.find((input) => input.type === "cancel")).toEqual({
      type: "cancel",
      sessionId,
      userId: owner,
      agentId: agent.id,
    });
    await fake.waitFor(() => JSON.stringify(board.blocks).includes("cancelled"));
  });

  it("publishes the App Home with recent sessions and suggests prompts on the Messages tab", async () => {
    const runtime = new ScriptedRuntime();
    const { harness: current, fake, threadTs } = await startSession(runtime);
    await current.event("EvHome", {
      type: "app_home_opened",
      user: owner,
      channel: "D0HOME",
      tab: "home",
      event_ts: "1.0",
    });
    const publish = await fake.waitFor(() => fake.callsTo("views.publish")[0]);
    expect(publish.params.user_id).toBe(owner);
    const home = JSON.stringify(publish.params.view);
    expect(home).toContain('"type":"home"');
    expect(home).toContain("work");
    expect(home).toContain(
      `https://threadwork-test.slack.com/archives/${channel}/p${threadTs.replace(".", "")}`,
    );
    expect(home).toContain("active");

    await current.event("EvMessagesTab", {
      type: "app_home_opened",
      user: owner,
      channel: "D0HOME",
      tab: "messages",
      event_ts: "1.1",
    });
    const prompts = await fake.waitFor(() => fake.callsTo("assistant.threads.setSuggestedPrompts")[0]);
    expect(prompts.params.channel_id).toBe("D0HOME");
    expect(Array.isArray(prompts.params.prompts)).toBe(true);
  });

  it("reports 503 from /healthz when the database or queue is down", async () => {
    const runtime = new ScriptedRuntime();
    harness = await startHarness({ runtime, health: async () => ({ database: false, queue: true }) });
    const response = await fetch(`${harness.baseUrl}/healthz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ ok: false, database: false, queue: true });
  });

  it("tells the user when the runtime cannot take a message", async () => {
    const runtime = new ScriptedRuntime();
    runtime.handle = async () => {
      throw new Error("database unreachable");
    };
    harness = await startHarness({ runtime });
    const { fake } = harness;
    await harness.event("EvBroken", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> hi`,
      ts: "1700004000.000100",
      channel,
    });
    const notice = await fake.waitFor(() => fake.threadMessages(channel, "1700004000.000100")[0]);
    expect(notice.text).toContain("could not take this message");
    expect(notice.text).not.toContain("database unreachable");
  });

  it("reacts with :eyes: when the thread status is unavailable", async () => {
    const runtime = new ScriptedRuntime();
    harness = await startHarness({ runtime });
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
