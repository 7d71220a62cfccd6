import { LogLevel, WebClient } from "@slack/web-api";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";

const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });
const button = (overrides: Record<string, unknown> = {}) => ({
  type: "button",
  text: { type: "plain_text", text: "Go" },
  action_id: "go",
  value: "1",
  ...overrides,
});

/**
 * The fake answers what real Slack answers for calls it refuses, so a test of the surface fails
 * where Slack would. Calls go through the real WebClient, untyped where they break the SDK types.
 */
describe("the fake Slack Web API refuses what real Slack refuses", () => {
  let fake: FakeSlackServer;
  let client: WebClient;
  beforeAll(async () => {
    fake = await FakeSlackServer.start();
    // The WebClient warns about calls the SDK thinks odd; these are meant to be odd.
    client = new WebClient(fake.botToken, {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
      logLevel: LogLevel.ERROR,
    });
  });
  afterEach(() => {
    fake.violations.splice(0);
  });
  afterAll(async () => {
    await fake.close();
  });

  async function answer(method: string, params: Record<string, unknown>): Promise<string> {
    try {
      await client.apiCall(method, params);
      return "ok";
    } catch (error) {
      return (error as { data?: { error?: string } }).data?.error ?? "failed";
    }
  }

  const post = (blocks: unknown[]) => answer("chat.postMessage", { channel: "C1", text: "t", blocks });

  it.each([
    ["51 blocks", Array.from({ length: 51 }, () => section("x"))],
    ["a section of 3,001 characters", [section("x".repeat(3001))]],
    ["an empty section", [section("")]],
    ["a header of 151 characters", [{ type: "header", text: { type: "plain_text", text: "h".repeat(151) } }]],
    ["a mrkdwn header", [{ type: "header", text: { type: "mrkdwn", text: "h" } }]],
    [
      "11 section fields",
      [{ type: "section", fields: Array.from({ length: 11 }, () => ({ type: "mrkdwn", text: "f" })) }],
    ],
    [
      "a button of 76 characters",
      [{ type: "actions", elements: [button({ text: { type: "plain_text", text: "b".repeat(76) } })] }],
    ],
    [
      "a button value of 2,001 characters",
      [{ type: "actions", elements: [button({ value: "v".repeat(2001) })] }],
    ],
    [
      "an action_id of 256 characters",
      [{ type: "actions", elements: [button({ action_id: "a".repeat(256) })] }],
    ],
    [
      "26 elements in an actions block",
      [
        {
          type: "actions",
          elements: Array.from({ length: 26 }, (_, index) => button({ action_id: `a${index}` })),
        },
      ],
    ],
    ["two buttons with one action_id in a block", [{ type: "actions", elements: [button(), button()] }]],
    [
      "two blocks with one block_id",
      [
        { ...section("a"), block_id: "b" },
        { ...section("b"), block_id: "b" },
      ],
    ],
    ["a block_id of 256 characters", [{ ...section("a"), block_id: "b".repeat(256) }]],
    [
      "11 context elements",
      [{ type: "context", elements: Array.from({ length: 11 }, () => ({ type: "mrkdwn", text: "c" })) }],
    ],
    [
      "a task card without a title",
      [{ type: "plan", title: "Plan", tasks: [{ type: "task_card", task_id: "t" }] }],
    ],
    [
      "a context_actions block of six elements",
      [
        {
          type: "context_actions",
          elements: Array.from({ length: 6 }, (_, index) => button({ action_id: `c${index}` })),
        },
      ],
    ],
  ])("refuses %s with invalid_blocks", async (_name, blocks) => {
    expect(await post(blocks)).toBe("invalid_blocks");
    expect(fake.violations).toHaveLength(1);
  });

  it("takes the same action_id in two different blocks, as the docs allow", async () => {
    const blocks = [
      { type: "actions", elements: [button()] },
      { type: "actions", elements: [button()] },
    ];
    expect(await post(blocks)).toBe("ok");
  });

  it("refuses text past a message's limits with msg_too_long", async () => {
    expect(await answer("chat.postMessage", { channel: "C1", text: "x".repeat(40_001) })).toBe(
      "msg_too_long",
    );
    expect(await answer("chat.postMessage", { channel: "C1", markdown_text: "x".repeat(12_001) })).toBe(
      "msg_too_long",
    );
  });

  it("refuses calls without the arguments @slack/web-api types as required", async () => {
    expect(await answer("chat.postMessage", { channel: "C1" })).toBe("no_text");
    expect(await answer("chat.postMessage", { text: "hi" })).toBe("channel_not_found");
    expect(await answer("chat.update", { channel: "C1", text: "hi" })).toBe("invalid_arguments");
    expect(await answer("chat.postEphemeral", { channel: "C1", text: "hi" })).toBe("invalid_arguments");
    expect(
      await answer("views.open", {
        view: { type: "modal", title: { type: "plain_text", text: "x" }, blocks: [] },
      }),
    ).toBe("invalid_arguments");
    expect(await answer("views.publish", { user_id: "U1" })).toBe("invalid_arguments");
    expect(await answer("reactions.add", { channel: "C1", name: "eyes" })).toBe("invalid_arguments");
    expect(await answer("agents.sessions.setStatus", { channel_id: "C1", status: "busy" })).toBe(
      "invalid_arguments",
    );
    expect(fake.violations).toHaveLength(8);
  });

  it("refuses modals past their limits with invalid_arguments", async () => {
    const modal = (overrides: Record<string, unknown>) =>
      answer("views.open", {
        trigger_id: "t",
        view: { type: "modal", title: { type: "plain_text", text: "Answer" }, blocks: [], ...overrides },
      });
    expect(await modal({ title: { type: "plain_text", text: "t".repeat(25) } })).toBe("invalid_arguments");
    expect(await modal({ blocks: Array.from({ length: 101 }, () => section("x")) })).toBe(
      "invalid_arguments",
    );
    expect(
      await modal({
        blocks: [
          { type: "input", label: { type: "plain_text", text: "A" }, element: { type: "plain_text_input" } },
        ],
      }),
    ).toBe("invalid_arguments");
    expect(await modal({ private_metadata: "m".repeat(3001) })).toBe("invalid_arguments");
    expect(await modal({ blocks: Array.from({ length: 100 }, () => section("x")) })).toBe("ok");
  });

  it("asks for recipient_user_id and recipient_team_id on a stream outside a DM", async () => {
    const stream = { thread_ts: "1700000000.000100", markdown_text: "hi" };
    expect(await answer("chat.startStream", { channel: "C1", ...stream })).toBe("invalid_arguments");
    expect(
      await answer("chat.startStream", {
        channel: "C1",
        recipient_user_id: "U1",
        recipient_team_id: "T1",
        ...stream,
      }),
    ).toBe("ok");
    expect(await answer("chat.startStream", { channel: "D1", ...stream })).toBe("ok");
    expect(await answer("chat.startStream", { channel: "D1", markdown_text: "hi" })).toBe(
      "invalid_arguments",
    );
  });

  it("answers appends and stops of a stream that ended as Slack does", async () => {
    const started = await client.chat.startStream({
      channel: "D1",
      thread_ts: "1700000000.000100",
      markdown_text: "a",
    });
    const ts = String(started.ts);
    expect(await answer("chat.appendStream", { channel: "D1", ts, markdown_text: "b" })).toBe("ok");
    fake.streams.stopByUser("D1", ts);
    expect(await answer("chat.appendStream", { channel: "D1", ts, markdown_text: "c" })).toBe(
      "stopped_by_user",
    );
    const other = String(
      (await client.chat.startStream({ channel: "D1", thread_ts: "1700000000.000100", markdown_text: "a" }))
        .ts,
    );
    fake.streams.expire("D1", other);
    expect(await answer("chat.appendStream", { channel: "D1", ts: other, markdown_text: "c" })).toBe(
      "message_not_in_streaming_state",
    );
    expect(await answer("chat.stopStream", { channel: "D1", ts: other })).toBe(
      "message_not_in_streaming_state",
    );
  });

  it("keeps one stream tracker: Slack's Stop ends a thread's streams, and a stop's session_status sets the session", async () => {
    fake.agentSessions.enable();
    try {
      const threadTs = "1700000100.000100";
      const start = async () =>
        String(
          (await client.chat.startStream({ channel: "D2", thread_ts: threadTs, markdown_text: "a" })).ts,
        );
      const first = await start();
      expect(fake.agentSessions.statusOf("D2", threadTs)).toBe("processing");
      const event = fake.agentSessions.pressStop({ channel: "D2", threadTs, user: "U0OWNER" });
      expect(event.streaming_message_ts).toEqual([first]);
      expect(fake.streams.stateOf("D2", first)).toBe("stopped_by_user");
      expect(await answer("chat.appendStream", { channel: "D2", ts: first, markdown_text: "b" })).toBe(
        "stopped_by_user",
      );
      expect(await answer("chat.stopStream", { channel: "D2", ts: first })).toBe("stopped_by_user");
      const second = await start();
      expect(
        await answer("chat.stopStream", { channel: "D2", ts: second, session_status: "suspended" }),
      ).toBe("ok");
      expect(fake.agentSessions.statusOf("D2", threadTs)).toBe("suspended");
      expect(fake.streams.stateOf("D2", second)).toBe("stopped");
      expect(fake.violations).toEqual([]);
      expect(await answer("chat.stopStream", { channel: "D2", ts: second, session_status: "busy" })).toBe(
        "invalid_arguments",
      );
      expect(fake.violations.map((violation) => violation.method)).toEqual(["chat.stopStream"]);
    } finally {
      fake.agentSessions.enabled = false;
    }
  });

  it("checks agent session and code channel calls: their arguments, and the opt-in scope a test grants", async () => {
    expect(await answer("agents.sessions.setStatus", { channel_id: "D1", thread_ts: "1.0" })).toBe(
      "invalid_arguments",
    );
    expect(fake.violations.map((violation) => violation.reason)).toEqual([
      "agents.sessions.setStatus without status",
    ]);
    fake.violations.splice(0);
    // Not in the manifest: an install without Slack Code lacks it, which is no malformed call.
    expect(await answer("agents.conversations.create", { name: "crew" })).toBe("missing_scope");
    expect(fake.violations).toEqual([]);
    fake.grantedScopes.add("code_channels:manage");
    try {
      expect(await answer("agents.conversations.create", { name: "crew" })).not.toBe("missing_scope");
      expect(await answer("agents.conversations.setView", {})).toBe("channel_not_found");
      expect(fake.violations.map((violation) => violation.reason)).toEqual([
        "agents.conversations.setView without channel_id",
      ]);
    } finally {
      fake.grantedScopes.delete("code_channels:manage");
    }
  });

  it("checks scopes by conversation type: a group DM's history needs mpim:history", async () => {
    fake.conversations.set("G0GROUP", "mpim");
    expect(await answer("conversations.replies", { channel: "G0GROUP", ts: "1.0" })).toBe("ok");
    fake.grantedScopes.delete("mpim:history");
    try {
      expect(await answer("conversations.replies", { channel: "G0GROUP", ts: "1.0" })).toBe("missing_scope");
      expect(await answer("conversations.replies", { channel: "C1", ts: "1.0" })).toBe("ok");
    } finally {
      fake.grantedScopes.add("mpim:history");
    }
    // A missing scope is how the app was installed, not a malformed call.
    expect(fake.violations).toEqual([]);
  });

  it("takes suggested prompts without thread_ts, and records one with it as silently dropped", async () => {
    const prompts = [{ title: "A", message: "a" }];
    expect(await answer("assistant.threads.setSuggestedPrompts", { channel_id: "D1", prompts })).toBe("ok");
    expect(fake.violations).toEqual([]);
    expect(
      await answer("assistant.threads.setSuggestedPrompts", { channel_id: "D1", thread_ts: "1.0", prompts }),
    ).toBe("ok");
    expect(fake.violations.map((violation) => violation.reason)).toEqual([
      "setSuggestedPrompts with thread_ts is silently dropped under agent_view",
    ]);
    fake.violations.splice(0);
    const five = Array.from({ length: 5 }, (_, index) => ({ title: `${index}`, message: "m" }));
    expect(await answer("assistant.threads.setSuggestedPrompts", { channel_id: "D1", prompts: five })).toBe(
      "invalid_arguments",
    );
  });
});
