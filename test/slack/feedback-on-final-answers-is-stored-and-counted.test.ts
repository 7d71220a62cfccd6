import { afterEach, describe, expect, it } from "vitest";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { channel, type Harness, startHarness } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";

const owner = "U0OWNER";
const colleague = "U0COLLEAGUE";
const guest = "U0GUEST";
const foreignTeam = "T0OTHER";

interface FeedbackElement {
  type: string;
  action_id: string;
  positive_button: { value: string };
  negative_button: { value: string };
}

function feedbackButtons(blocks: unknown): FeedbackElement | undefined {
  if (!Array.isArray(blocks)) return undefined;
  for (const block of blocks as { type?: string; elements?: FeedbackElement[] }[]) {
    if (block.type !== "context_actions") continue;
    return block.elements?.find((element) => element.type === "feedback_buttons");
  }
  return undefined;
}

describe("feedback buttons on the supervisor's final answers", () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it("go only under final answers, and each person's latest click is stored and counted in App Home", async () => {
    const runtime = new ScriptedRuntime();
    const fake = await FakeSlackServer.start();
    fake.agentSessions.enable();
    fake.addUser({ id: owner, name: "owner" });
    fake.addUser({ id: colleague, name: "colleague" });
    fake.addUser({ id: guest, name: "guest", teamId: foreignTeam });
    harness = await startHarness({ runtime, fake });
    const current = harness;
    const threadTs = "1700300000.000100";
    await current.event("EvAsk", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> why is CI slow?`,
      ts: threadTs,
      channel,
    });
    await fake.waitFor(() => runtime.sessions.size === 1);
    const sessionId = [...runtime.sessions.keys()][0] ?? "";

    // A reply before tool calls is not final: no buttons.
    await runtime.reply(sessionId, "turn-1", "Let me look.", ["Let me ", "look."]);
    const first = await fake.waitFor(() => fake.callsTo("chat.stopStream")[0]);
    expect(first.params.blocks).toBeUndefined();
    // The final answer, streamed: its stream ends with the buttons and leaves the session working.
    await runtime.reply(
      sessionId,
      "turn-2",
      "CI waits on one slow job.",
      ["CI waits ", "on one slow job."],
      80,
      true,
    );
    const final = await fake.waitFor(() => fake.callsTo("chat.stopStream")[1]);
    const buttons = feedbackButtons(final.params.blocks);
    expect(buttons).toMatchObject({
      action_id: actionIds.feedback,
      positive_button: { value: "positive" },
      negative_button: { value: "negative" },
    });
    expect(final.params.session_status).toBe("processing");
    const answer = fake.messages.get(`${channel}:${String(final.params.ts)}`);
    expect(answer?.text).toBe("CI waits on one slow job.");
    // A final answer that arrives whole is streamed too, so it can carry the buttons.
    await runtime.reply(sessionId, "turn-3", "Also: the cache key changes daily.", [], 80, true);
    const whole = await fake.waitFor(() => fake.callsTo("chat.stopStream")[2]);
    expect(feedbackButtons(whole.params.blocks)).toBeDefined();
    expect(fake.callsTo("chat.startStream").at(-1)?.params.markdown_text).toBe(
      "Also: the cache key changes daily.",
    );

    const rate = (user: string, team: string, value: string) =>
      current.interaction({
        type: "block_actions",
        user: { id: user, username: user, team_id: team },
        team: { id: fake.teamId, domain: "threadwork-test" },
        api_app_id: "A0APP",
        token: "verification-token",
        trigger_id: `trigger.${user}`,
        container: { type: "message", message_ts: answer?.ts, channel_id: channel, thread_ts: threadTs },
        channel: { id: channel, name: "general" },
        message: { type: "message", ts: answer?.ts, thread_ts: threadTs, text: "", user: fake.botUserId },
        actions: [
          {
            type: "feedback_buttons",
            action_id: actionIds.feedback,
            block_id: "feedback",
            value,
            text: { type: "plain_text", text: value === "positive" ? "👍" : "👎" },
            action_ts: String(Date.now() / 1000),
          },
        ],
        response_url: "https://hooks.slack.invalid/actions/1",
      });
    const thanked = (user: string) =>
      fake.callsTo("chat.postEphemeral").filter((call) => call.params.user === user).length;

    expect(await rate(owner, fake.teamId, "positive")).toBe(200);
    await fake.waitFor(() => thanked(owner) === 1);
    await rate(colleague, fake.teamId, "negative");
    await fake.waitFor(() => thanked(colleague) === 1);
    // The colleague changes their mind: their rating is replaced, not added.
    await rate(colleague, fake.teamId, "positive");
    await fake.waitFor(() => thanked(colleague) === 2);
    // Someone from another organization is refused, and nothing is stored.
    await rate(guest, foreignTeam, "negative");
    await fake.waitFor(() => thanked(guest) === 1);
    expect(
      String(fake.callsTo("chat.postEphemeral").find((call) => call.params.user === guest)?.params.text),
    ).toContain("workspace that installed it");
    expect(await current.store.feedbackCounts([sessionId])).toEqual(
      new Map([[sessionId, { positive: 2, negative: 0 }]]),
    );

    await current.event("EvHome", { type: "app_home_opened", user: owner, channel: "D0OWNER", tab: "home" });
    const home = await fake.waitFor(() => fake.callsTo("views.publish")[0]);
    expect(JSON.stringify(home.params.view)).toContain(":+1: 2 :-1: 0");
  });
});
