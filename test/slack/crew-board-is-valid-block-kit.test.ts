import { WebClient } from "@slack/web-api";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AgentSnapshot } from "../../src/domain/agents.ts";
import { emptyUsage } from "../../src/domain/messages.ts";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import type { SlackBlock } from "../../src/surfaces/slack/blocks/block.ts";
import { type BoardStyle, renderCrewBoard } from "../../src/surfaces/slack/blocks/crew-board.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { agentSnapshot, renderingNow } from "./support/agent-snapshot.ts";
import { channel, type Harness, startHarness } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";

const now = renderingNow;

function agent(index: number, overrides: Partial<AgentSnapshot> = {}): AgentSnapshot {
  return agentSnapshot(index, {
    latestProgress: `step ${index}`,
    usage: { ...emptyUsage, inputTokens: 1500 },
    ...overrides,
  });
}

const threeAgents = [agent(1), agent(2, { status: "waiting" }), agent(3, { status: "queued" })];

/** Every interactive element of a board, with the block it sits in. */
function elementsOf(blocks: SlackBlock[]): { blockIndex: number; action_id: string }[] {
  return blocks.flatMap((block, blockIndex) => {
    const elements = [
      ...(Array.isArray(block.elements) ? (block.elements as Record<string, unknown>[]) : []),
      ...(block.accessory ? [block.accessory as Record<string, unknown>] : []),
    ];
    return elements
      .filter((element) => typeof element.action_id === "string")
      .map((element) => ({ blockIndex, action_id: String(element.action_id) }));
  });
}

describe("the crew board is Block Kit real Slack accepts", () => {
  let fake: FakeSlackServer;
  let client: WebClient;
  beforeAll(async () => {
    fake = await FakeSlackServer.start();
    client = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  });
  afterEach(() => {
    fake.violations.splice(0);
  });
  afterAll(async () => {
    await fake.close();
  });

  const post = (blocks: SlackBlock[], text = "Crew") =>
    client.chat.postMessage({ channel, thread_ts: "1700000000.000100", text, blocks }).then(
      () => "ok",
      (error: { data?: { error?: string } }) => error.data?.error ?? "failed",
    );

  it.each<BoardStyle>(["plan", "sections"])(
    "posts a %s board with three agents: unique action_ids and block_ids, within every limit",
    async (style) => {
      const board = renderCrewBoard(threeAgents, { now, style });
      expect(await post(board.blocks, board.text)).toBe("ok");
      expect(fake.violations).toEqual([]);
      const ids = elementsOf(board.blocks).map((element) => element.action_id);
      // Three Stop buttons, Stop all and three Steer buttons; no id twice anywhere in the message.
      expect(ids).toHaveLength(7);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toContain(actionIds.stopAll);
      const blockIds = board.blocks.map((block) => block.block_id).filter((id) => id !== undefined);
      expect(new Set(blockIds).size).toBe(blockIds.length);
    },
  );

  it("refuses a board whose Stop buttons share an action_id, as Slack answers invalid_blocks", async () => {
    const board = renderCrewBoard(threeAgents, { now, style: "plan" });
    const duplicated = board.blocks.map((block) =>
      block.type === "actions"
        ? {
            ...block,
            elements: (block.elements as Record<string, unknown>[]).map((element) =>
              element.action_id === actionIds.stopAll
                ? element
                : { ...element, action_id: actionIds.stopAgent },
            ),
          }
        : block,
    );
    expect(await post(duplicated)).toBe("invalid_blocks");
    expect(fake.violations.map((violation) => violation.error)).toEqual(["invalid_blocks"]);
  });

  it("refuses a board whose blocks share a block_id", async () => {
    const board = renderCrewBoard(threeAgents, { now, style: "sections" });
    const sameIds = board.blocks.map((block) => ({ ...block, block_id: "crew" }));
    expect(await post(sameIds)).toBe("invalid_blocks");
  });

  it("refuses two task cards with one task_id in a plan", async () => {
    const board = renderCrewBoard([agent(1), agent(1)], { now, style: "plan" });
    expect(await post(board.blocks)).toBe("invalid_blocks");
  });

  it("keeps a board of 30 agents with long titles and progress within the limits, in both styles", async () => {
    const many = Array.from({ length: 30 }, (_, index) =>
      agent(index, { title: `${"T".repeat(400)} ${index}`, latestProgress: "p".repeat(5000) }),
    );
    for (const style of ["plan", "sections"] as const) {
      const board = renderCrewBoard(many, { now, style });
      expect(await post(board.blocks, board.text)).toBe("ok");
    }
    expect(fake.violations).toEqual([]);
  });
});

describe("the crew board through the Slack surface", () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it("publishes a three-agent board Slack accepts, and every later edit too", async () => {
    const runtime = new ScriptedRuntime();
    harness = await startHarness({ runtime });
    const { fake } = harness;
    await harness.event("EvBoard", {
      type: "app_mention",
      user: "U0OWNER",
      text: `<@${fake.botUserId}> split this`,
      ts: "1700004000.000100",
      channel,
    });
    await fake.waitFor(() => runtime.sessions.size === 1);
    const sessionId = [...runtime.sessions.keys()][0] ?? "";
    const agents = ["Tests", "Docs", "Lint"].map((title) => runtime.startAgent(sessionId, title));
    const board = await fake.waitFor(() =>
      [...fake.messages.values()].find(
        (message) => message.text.startsWith("Crew:") && JSON.stringify(message.blocks).includes("Lint"),
      ),
    );
    const plan = board.blocks.find((block) => (block as SlackBlock).type === "plan") as SlackBlock;
    expect(plan.tasks).toHaveLength(3);
    runtime.finish(agents[0] as AgentSnapshot, { branch: "tw/tests" });
    await fake.waitFor(() => JSON.stringify(board.blocks).includes("tw/tests"));
    const boardCalls = fake.calls.filter((call) => String(call.params.text).startsWith("Crew:"));
    expect(boardCalls.length).toBeGreaterThanOrEqual(2);
    expect(boardCalls.every((call) => call.error === undefined)).toBe(true);
    // The harness fails this test on stop if Slack would have refused any call.
  });
});
