import { afterEach, describe, expect, it } from "vitest";
import { buildApprovalAction } from "../../src/domain/approval-action.ts";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { channel, findButton, type Harness, startHarness } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";

const owner = "U0OWNER";
const stranger = "U0STRANGER";
const mentionTs = "1700000000.000100";

describe("the Slack main flow", () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it("goes from a mention to a board, a question, an approval and a summary with results", async () => {
    const runtime = new ScriptedRuntime();
    harness = await startHarness({ runtime });
    const { fake } = harness;

    // A top-level mention starts a session threaded under itself, with feedback at once.
    const status = await harness.event("Ev1", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> fix the flaky tests`,
      ts: mentionTs,
      channel,
      event_ts: mentionTs,
    });
    expect(status).toBe(200);
    await fake.waitFor(() => runtime.sessions.size === 1);
    const [input] = runtime.inputs;
    expect(input).toMatchObject({
      type: "user-message",
      userId: owner,
      text: "fix the flaky tests",
      key: { surface: "slack", conversationKey: `${fake.teamId}:${channel}:${mentionTs}` },
      metadata: { channel, threadTs: mentionTs, teamId: fake.teamId },
    });
    await fake.waitFor(() => fake.callsTo("assistant.threads.setStatus").length === 1);
    expect(fake.callsTo("assistant.threads.setStatus")[0]?.params).toMatchObject({
      channel_id: channel,
      thread_ts: mentionTs,
      status: "is thinking…",
    });
    const sessionId = [...runtime.sessions.keys()][0] ?? "";

    // Two agents start and report progress: one board message in the thread, edited in place.
    const tests = runtime.startAgent(sessionId, "Fix flaky tests");
    const docs = runtime.startAgent(sessionId, "Update docs");
    runtime.progress(tests, "Reproduced the failure in test/queue.test.ts");
    runtime.progress(docs, "Reading README.md");
    const board = await fake.waitFor(() =>
      fake.threadMessages(channel, mentionTs).find((message) => message.text.startsWith("Crew:")),
    );
    await fake.waitFor(() => JSON.stringify(board.blocks).includes("Reading README.md"));
    const boardJson = JSON.stringify(board.blocks);
    expect(boardJson).toContain("Fix flaky tests");
    expect(boardJson).toContain("running");
    expect(boardJson).toContain("Reproduced the failure");
    expect(findButton(board.blocks, actionIds.stopAgent)).toBeDefined();
    expect(findButton(board.blocks, actionIds.stopAll)).toBeDefined();

    // A question with a button per choice and "Answer…".
    const question = runtime.request(tests, "question", "Which test runner should I use?", {
      choices: ["vitest", "jest"],
    });
    const questionMessage = await fake.waitFor(() =>
      fake.threadMessages(channel, mentionTs).find((message) => message.text.includes("asks:")),
    );
    expect(questionMessage.text).toBe("Fix flaky tests asks: Which test runner should I use?");
    const vitest = findButton(questionMessage.blocks, actionIds.answerChoice);
    expect(vitest).toBeDefined();
    expect(findButton(questionMessage.blocks, actionIds.answerOpen)).toBeDefined();
    await fake.waitFor(() => JSON.stringify(board.blocks).includes("waiting for you"));

    // Clicking the choice answers; the message then shows the answer and who gave it.
    expect(
      await harness.click({
        user: owner,
        actionId: vitest?.action_id ?? "",
        value: vitest?.value ?? "",
        messageTs: questionMessage.ts,
        threadTs: mentionTs,
      }),
    ).toBe(200);
    await fake.waitFor(() => JSON.stringify(questionMessage.blocks).includes(`<@${owner}>`));
    expect(runtime.requests.get(question.id)).toMatchObject({ status: "answered", answer: "vitest" });
    expect(JSON.stringify(questionMessage.blocks)).toContain("*Answer:* vitest");
    expect(findButton(questionMessage.blocks, actionIds.answerChoice)).toBeUndefined();

    // A second click on the answered question gets an ephemeral notice and changes nothing.
    await harness.click({
      user: stranger,
      actionId: vitest?.action_id ?? "",
      value: vitest?.value ?? "",
      messageTs: questionMessage.ts,
      threadTs: mentionTs,
    });
    const stale = await fake.waitFor(() => fake.callsTo("chat.postEphemeral")[0]);
    expect(stale.params).toMatchObject({ user: stranger, channel, thread_ts: mentionTs });
    expect(String(stale.params.text)).toContain("already answered");

    // An approval: a stranger is refused with an ephemeral, the owner is accepted.
    const approval = runtime.request(tests, "approval", "run a command", {
      action: buildApprovalAction({
        tool: "run_command",
        input: { command: "npm test -- --run" },
        description: "run npm test -- --run",
        repo: "app",
        branch: "tw/fix-flaky",
      }),
      pattern: '{"command":"npm test -- --run"}',
    });
    const approvalMessage = await fake.waitFor(() =>
      fake.threadMessages(channel, mentionTs).find((message) => message.text.startsWith("Approval needed")),
    );
    const approvalJson = JSON.stringify(approvalMessage.blocks);
    expect(approvalJson).toContain("npm test -- --run");
    expect(approvalJson).toContain("app @ tw/fix-flaky");
    expect(approvalJson).toContain("Fix flaky tests");
    const approve = findButton(approvalMessage.blocks, actionIds.approve);
    expect(findButton(approvalMessage.blocks, actionIds.deny)).toBeDefined();
    expect(findButton(approvalMessage.blocks, actionIds.alwaysAllow)).toBeDefined();
    const click = (user: string) =>
      harness?.click({
        user,
        actionId: actionIds.approve,
        value: approve?.value ?? "",
        messageTs: approvalMessage.ts,
        threadTs: mentionTs,
      });

    await click(stranger);
    const refusal = await fake.waitFor(() => fake.callsTo("chat.postEphemeral")[1]);
    expect(refusal.params).toMatchObject({ user: stranger, channel });
    expect(String(refusal.params.text)).toContain("Only the person who started this session");
    expect(runtime.requests.get(approval.id)?.status).toBe("pending");
    expect(findButton(approvalMessage.blocks, actionIds.approve)).toBeDefined();

    await click(owner);
    await fake.waitFor(() => JSON.stringify(approvalMessage.blocks).includes("Approved"));
    expect(runtime.requests.get(approval.id)).toMatchObject({ status: "approved", decidedBy: owner });
    expect(JSON.stringify(approvalMessage.blocks)).toContain(`by <@${owner}>`);
    expect(JSON.stringify(approvalMessage.blocks)).toContain("<!date^");

    // A double click by the owner is idempotent: an ephemeral "already decided", no change.
    const updatesBefore = approvalMessage.updates;
    await click(owner);
    const again = await fake.waitFor(() => fake.callsTo("chat.postEphemeral")[2]);
    expect(String(again.params.text)).toContain("already approved");
    expect(approvalMessage.updates).toBe(updatesBefore);

    // The agents finish; the supervisor streams its summary; results follow with links, stats and cost.
    runtime.finish(tests, {
      branch: "tw/fix-flaky",
      pullRequestUrl: "https://github.com/acme/app/pull/7",
      diffStats: { filesChanged: 3, insertions: 40, deletions: 12 },
    });
    runtime.finish(docs, { branch: "tw/docs", compareUrl: "https://github.com/acme/app/compare/tw/docs" });
    const session = runtime.sessions.get(sessionId);
    if (session) session.costMicros = 123_400;
    await runtime.reply(sessionId, "turn-1", "Both agents are done. The flaky test is fixed.", [
      "Both agents ",
      "are done. ",
      "The flaky test is fixed.",
    ]);
    runtime.emit({ type: "session-idle", sessionId });
    const results = await fake.waitFor(() =>
      fake.threadMessages(channel, mentionTs).find((message) => message.text.startsWith("Results")),
    );
    const resultsJson = JSON.stringify(results.blocks);
    expect(resultsJson).toContain("https://github.com/acme/app/pull/7");
    expect(resultsJson).toContain("3 files, +40 −12");
    expect(resultsJson).toContain("tw/docs");
    expect(resultsJson).toContain("$0.1234");
    const summary = fake
      .threadMessages(channel, mentionTs)
      .find((message) => message.text.startsWith("Both agents"));
    expect(summary?.text).toBe("Both agents are done. The flaky test is fixed.");
    expect(fake.callsTo("chat.startStream")).toHaveLength(1);
    expect(fake.callsTo("chat.stopStream")).toHaveLength(1);
    expect(fake.callsTo("chat.startStream")[0]?.params).toMatchObject({
      channel,
      thread_ts: mentionTs,
      recipient_user_id: owner,
      recipient_team_id: fake.teamId,
    });
    await fake.waitFor(() => JSON.stringify(board.blocks).includes("pull/7"));

    // Exactly one board, one question and one approval were ever posted.
    const posts = fake
      .callsTo("chat.postMessage")
      .map((call) => String(call.params.text).split(":")[0] ?? "");
    expect(posts.filter((text) => text === "Crew")).toHaveLength(1);
    expect(posts.filter((text) => text.startsWith("Fix flaky tests asks"))).toHaveLength(1);
    expect(posts.filter((text) => text === "Approval needed")).toHaveLength(1);
  });
});
