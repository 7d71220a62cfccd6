import {
  type AgentsConversationsSetCommandsArguments,
  type AgentsConversationsSetPropertiesArguments,
  WebClient,
} from "@slack/web-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentSnapshot } from "../../src/domain/agents.ts";
import {
  codeChannelCommandSet,
  renderStatusReply,
} from "../../src/surfaces/slack/blocks/code-channel-commands.ts";
import { codeChannelName, renderContextBar } from "../../src/surfaces/slack/blocks/code-channel-context.ts";
import {
  maximumViewContentBytes,
  renderCrewView,
  renderDiffView,
} from "../../src/surfaces/slack/blocks/code-channel-views.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { blockLimitError } from "../fakes/slack-block-limits.ts";
import { agentSnapshot, renderingNow } from "./support/agent-snapshot.ts";

const now = renderingNow;

function agent(index: number, overrides: Partial<AgentSnapshot> = {}): AgentSnapshot {
  return agentSnapshot(index, { repository: "app", ...overrides });
}

describe("code channel rendering", () => {
  it("builds a context bar Slack accepts, with model text inert and only https links", () => {
    const items = renderContextBar({
      agents: [
        agent(1, { status: "done", result: { branch: "<!here> fix", compareUrl: "javascript:alert(1)" } }),
        agent(2, { repository: "web", status: "waiting" }),
      ],
      costMicros: 1_234_567,
      ended: false,
    });
    // The SDK's argument type takes the items as they are.
    const args: AgentsConversationsSetPropertiesArguments = {
      channel_id: "C1",
      code_channel: { context_bar_items: items },
    };
    expect(args.code_channel?.context_bar_items).toHaveLength(4);
    expect(items.map((item) => item.key)).toEqual(["repository", "branch", "status", "cost"]);
    expect(items[0]?.label).toBe("app, web");
    expect(items[1]?.label).toBe("@\u2060here fix");
    expect(items[1]?.url).toBeUndefined();
    expect(items[2]?.label).toBe("Working: 1 waiting for you, 1 done");
    expect(items[3]?.label).toBe("$1.23 · 4.0k tokens");
    for (const item of items) expect(item.label.length).toBeLessThanOrEqual(128);
    expect(
      renderContextBar({ agents: [agent(1, { title: "x".repeat(500) })], costMicros: 0, ended: true }),
    ).toHaveLength(3);
  });

  it("names the channel from the session's title, inert and at most 80 characters", () => {
    expect(codeChannelName("fix <!channel> now\nplease")).toBe("fix @\u2060channel now please");
    expect(codeChannelName("y".repeat(300)).length).toBeLessThanOrEqual(80);
  });

  it("shows the crew read-only in a tab, escaped, within Block Kit's limits", () => {
    const agents = Array.from({ length: 25 }, (_, index) =>
      agent(index, { title: `Agent <@U0BOSS> ${index}`, latestProgress: "<https://evil.example|docs>" }),
    );
    const blocks = renderCrewView(agents, now);
    const json = JSON.stringify(blocks);
    expect(json).not.toContain('"button"');
    expect(json).not.toContain('"actions"');
    expect(json).not.toContain("<@U0BOSS>");
    expect(json).not.toContain("<https://evil.example");
    expect(blockLimitError({ blocks })).toBeUndefined();
  });

  it("shows the diff with secrets redacted, invisible characters written out, and whole files within the limit", () => {
    const file = (name: string, body: string) =>
      `diff --git a/${name} b/${name}\n--- a/${name}\n+++ b/${name}\n@@ -1 +1 @@\n+${body}\n`;
    const small = renderDiffView(file("a.ts", "const key = 'sk-ant-abc123def456'; // \u202egnp.exe"));
    expect(small).toContain("[REDACTED]");
    expect(small).not.toContain("sk-ant-abc123");
    expect(small).toContain("⟦U+202E⟧");
    expect(renderDiffView("  \n")).toBeUndefined();

    const big = renderDiffView([1, 2, 3].map((index) => file(`f${index}.txt`, "x".repeat(400_000))).join(""));
    expect(new TextEncoder().encode(big).length).toBeLessThanOrEqual(maximumViewContentBytes);
    expect(big).toContain("f2.txt");
    expect(big).not.toContain("f3.txt");
    expect(big).toContain("1 more files are not shown");
  });

  it("registers commands the SDK types accept and Slack's own names do not clash with", () => {
    const args: AgentsConversationsSetCommandsArguments = {
      channel_id: "C1",
      commands: codeChannelCommandSet,
    };
    expect(args.commands.map((command) => command.name)).not.toContain("status");
    expect(renderStatusReply([agent(1, { title: "<!channel>", latestProgress: "a <b> c" })], 5000)).toBe(
      "• *&lt;!channel&gt;*: running — a &lt;b&gt; c\nSession cost: $0.0050",
    );
  });
});

describe("the fake's code channels answer as Slack documents", () => {
  let fake: FakeSlackServer;
  let client: WebClient;
  beforeEach(async () => {
    fake = await FakeSlackServer.start();
    fake.grantedScopes.add("code_channels:manage");
    client = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  });
  afterEach(async () => {
    await fake.close();
  });

  async function errorOf(call: Promise<unknown>): Promise<string | undefined> {
    try {
      await call;
      return undefined;
    } catch (error) {
      return (error as { data?: { error?: string } }).data?.error;
    }
  }

  async function createChannel(): Promise<string> {
    const created = await client.agents.conversations.create({
      name: "Fix the queue",
      session_id: "s1",
      origin_channel_id: "C0GENERAL",
      origin_message_ts: "1700000000.000100",
    });
    return String(created.channel_id);
  }

  it("creates one channel per session id, and refuses half an origin", async () => {
    const channel = await createChannel();
    expect(await createChannel()).toBe(channel);
    expect(
      await errorOf(client.agents.conversations.create({ name: "x", origin_channel_id: "C0GENERAL" })),
    ).toBe("invalid_arguments");
  });

  it("answers feature_disabled where the workspace has no code channels, missing_scope without the scope", async () => {
    fake.codeChannels.enabled = false;
    expect(await errorOf(createChannel())).toBe("feature_disabled");
    fake.codeChannels.enabled = true;
    fake.grantedScopes.delete("code_channels:manage");
    expect(await errorOf(createChannel())).toBe("missing_scope");
  });

  it("checks context bar items: at most five, known icons, bounded labels, unique keys", async () => {
    const channel_id = await createChannel();
    const item = (key: string) => ({ key, label: key, icon: "branch" });
    const six = ["a", "b", "c", "d", "e", "f"].map(item);
    expect(
      await errorOf(
        client.agents.conversations.setProperties({ channel_id, code_channel: { context_bar_items: six } }),
      ),
    ).toBe("invalid_arguments");
    const badIcon = [{ key: "a", label: "a", icon: "rocket" }];
    expect(
      await errorOf(
        client.agents.conversations.setProperties({
          channel_id,
          code_channel: { context_bar_items: badIcon },
        }),
      ),
    ).toBe("invalid_arguments");
    const twice = [item("a"), item("a")];
    expect(
      await errorOf(
        client.agents.conversations.setProperties({ channel_id, code_channel: { context_bar_items: twice } }),
      ),
    ).toBe("invalid_arguments");
    expect(await errorOf(client.agents.conversations.setProperties({ channel_id }))).toBe(
      "invalid_arguments",
    );
    const action = [{ key: "a", label: "a", url: "https://example.com", item_type: "action" }];
    const answer = await client.agents.conversations.setProperties({
      channel_id,
      code_channel: { context_bar_items: action },
    });
    expect(answer.warning).toBe("action_with_url_overridden_to_info");
    expect(
      await errorOf(client.agents.conversations.setProperties({ channel_id: "C0NOPE", code_channel: {} })),
    ).toBe("not_agent_channel");
  });

  it("checks views: content per type, the size cap, a view key, valid blocks, five tabs", async () => {
    const channel_id = await createChannel();
    expect(await errorOf(client.agents.conversations.setView({ channel_id, type: "diff" }))).toBe(
      "invalid_arguments",
    );
    expect(
      await errorOf(
        client.agents.conversations.setView({
          channel_id,
          type: "diff",
          content: "x".repeat(maximumViewContentBytes + 1),
        }),
      ),
    ).toBe("content_too_large");
    const blocks = [{ type: "section", text: { type: "mrkdwn", text: "hi" } }];
    expect(
      await errorOf(client.agents.conversations.setView({ channel_id, type: "block_kit", blocks })),
    ).toBe("invalid_arguments");
    const empty = [{ type: "section", text: { type: "mrkdwn", text: "" } }];
    expect(
      await errorOf(
        client.agents.conversations.setView({ channel_id, type: "block_kit", view_key: "k", blocks: empty }),
      ),
    ).toBe("invalid_blocks");
    // The diff view is one per channel: a second one updates it.
    await client.agents.conversations.setView({ channel_id, type: "diff", content: "a", view_key: "x" });
    const again = await client.agents.conversations.setView({ channel_id, type: "diff", content: "b" });
    expect(again.content_version).toBe(2);
    for (const key of ["1", "2", "3", "4"]) {
      await client.agents.conversations.setView({ channel_id, type: "block_kit", view_key: key, blocks });
    }
    expect(
      await errorOf(
        client.agents.conversations.setView({ channel_id, type: "block_kit", view_key: "6", blocks }),
      ),
    ).toBe("too_many_views");
    const listed = await client.agents.conversations.listViews({ channel_id });
    expect(listed.views).toHaveLength(5);
  });

  it("checks commands: names without a slash, none of Slack's own, a URL to send them to", async () => {
    const channel_id = await createChannel();
    for (const commands of [[{ name: "/stop" }], [{ name: "status" }], [{ name: "a" }, { name: "a" }]]) {
      expect(await errorOf(client.agents.conversations.setCommands({ channel_id, commands }))).toBe(
        "invalid_arguments",
      );
    }
    expect(() =>
      fake.codeChannels.commandInvocation({ channel: channel_id, user: "U1", name: "stop" }),
    ).toThrow();
    fake.codeChannels.commandUrlConfigured = false;
    expect(
      await errorOf(client.agents.conversations.setCommands({ channel_id, commands: [{ name: "stop" }] })),
    ).toBe("no_actions_url");
  });

  it("archives once; an archived channel takes no more changes or messages", async () => {
    const channel_id = await createChannel();
    const summary = await client.chat.postMessage({ channel: channel_id, text: "Done" });
    await client.agents.conversations.archive({ channel_id, summary_message_ts: String(summary.ts) });
    expect(fake.codeChannels.channels.get(channel_id)?.summaryMessageTs).toBe(summary.ts);
    expect(await errorOf(client.agents.conversations.archive({ channel_id }))).toBe("already_archived");
    expect(
      await errorOf(
        client.agents.conversations.setProperties({ channel_id, code_channel: { context_bar_items: [] } }),
      ),
    ).toBe("is_archived");
    expect(await errorOf(client.chat.postMessage({ channel: channel_id, text: "late" }))).toBe("is_archived");
  });
});
