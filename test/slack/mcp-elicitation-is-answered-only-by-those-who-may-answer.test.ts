import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { McpElicitation } from "../../src/domain/mcp.ts";
import { actionIds, viewIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { textResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import { blockLimitError } from "../fakes/slack-block-limits.ts";
import { submitAnswerModal } from "../helpers/answer-modal.ts";
import { clickButton } from "../helpers/button-click.ts";
import { type ElicitationOutcomes, elicitAndRecord } from "../helpers/recorded-elicitation.ts";
import { isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { waitUntil } from "../helpers/runtime-processes.ts";
import { callScenarioThenFinish, scenarioTool } from "../helpers/scenario-tool.ts";
import { type SlackWithRuntime, startSlackWithRuntime } from "../security/support/slack-with-runtime.ts";
import { channel, findButton } from "./support/harness.ts";

const owner = "U0OWNER";
const stranger = "U0STRANGER";

const elicitations: Record<string, McpElicitation> = {
  link: {
    mode: "url",
    server: "tracker",
    message: "Sign in to the tracker",
    url: "https://auth.tracker.example/authorize?state=abc",
  },
  estimate: {
    mode: "form",
    server: "tracker",
    message: "How long will it take?",
    requestedSchema: {
      type: "object",
      properties: { days: { type: "integer", title: "Days", minimum: 1, maximum: 5 } },
      required: ["days"],
    },
  },
};

describe("an MCP server's elicitation in a Slack thread", () => {
  let world: SlackWithRuntime;
  const outcomes: ElicitationOutcomes = new Map();

  const askServer = scenarioTool({
    name: "ask_server",
    description: "Call a tool on an MCP server that asks people for input.",
    run: (scenario, context) => elicitAndRecord(context, scenario, elicitations, outcomes),
  });

  beforeAll(async () => {
    world = await startSlackWithRuntime({
      workerTools: [askServer],
      respond: (request) => {
        if (isSupervisorRequest(request)) {
          const task = /elicit (\w+)/.exec(request.messages[0]?.text ?? "")?.[1];
          if (request.turnIndex === 0 && task) {
            return toolCallResponse([
              { name: "spawn_agent", input: { title: "Tracker", brief: `elicit ${task}` } },
            ]);
          }
          return textResponse("OK.");
        }
        return callScenarioThenFinish("ask_server")(request);
      },
    });
  });
  afterAll(async () => {
    await world?.close();
  });

  async function mention(threadTs: string, scenario: string) {
    await world.harness.event(`Ev${scenario}`, {
      type: "app_mention",
      user: owner,
      text: `<@${world.fake.botUserId}> elicit ${scenario}`,
      ts: threadTs,
      channel,
    });
  }

  const questions = (threadTs: string) =>
    world.fake
      .threadMessages(channel, threadTs)
      .filter((message) => message.text.startsWith("Tracker asks:"));

  const refusalsFor = (user: string, threadTs: string) =>
    world.fake
      .callsTo("chat.postEphemeral")
      .filter((call) => call.params.user === user && call.params.thread_ts === threadTs);

  it("shows a URL elicitation as a link button naming the host; a stranger's Done is refused, the owner's accepts", async () => {
    const threadTs = "1700030000.000100";
    await mention(threadTs, "link");
    const question = await world.fake.waitFor(() => questions(threadTs)[0], 15_000);
    expect(blockLimitError({ text: question.text, blocks: question.blocks })).toBeUndefined();
    // The worker stays running (its call holds its slot), and the board says what it waits for.
    const board = await world.fake.waitFor(
      () => world.fake.threadMessages(channel, threadTs).find((message) => message.text.startsWith("Crew:")),
      10_000,
    );
    await world.fake.waitFor(() => JSON.stringify(board.blocks).includes("waiting for you"), 10_000);
    const json = JSON.stringify(question.blocks);
    expect(json).toContain("open a link on auth.tracker.example");
    const link = (question.blocks as Array<{ type: string; elements?: Array<Record<string, unknown>> }>)
      .flatMap((block) => block.elements ?? [])
      .find((element) => element.action_id === actionIds.openLink);
    expect(link).toMatchObject({
      type: "button",
      url: "https://auth.tracker.example/authorize?state=abc",
      text: { type: "plain_text", text: "Open auth.tracker.example" },
    });

    // Opening the link sends a click too: acknowledged, and it answers nothing.
    const linkClick = await world.harness.click({
      user: owner,
      actionId: actionIds.openLink,
      value: String(link?.value),
      messageTs: question.ts,
      threadTs,
    });
    expect(linkClick).toBe(200);

    const clickDone = (user: string) =>
      clickButton(world.harness, {
        user,
        message: question,
        prefix: `${actionIds.answerChoice}_0`,
        threadTs,
      });
    await clickDone(stranger);
    const refusal = await world.fake.waitFor(() => refusalsFor(stranger, threadTs)[0]);
    expect(String(refusal.params.text)).toContain("Only the person who started this session");
    expect(outcomes.has("link")).toBe(false);

    await clickDone(owner);
    await world.fake.waitFor(() => JSON.stringify(question.blocks).includes("*Answer:* Done"), 10_000);
    await waitUntil(() => outcomes.has("link"));
    expect(outcomes.get("link")).toEqual({ action: "accept" });
    expect(refusalsFor(owner, threadTs)).toEqual([]);
    expect(findButton(question.blocks, actionIds.openLink)).toBeUndefined();
    await world.fake.waitFor(() => !JSON.stringify(board.blocks).includes("waiting for you"), 10_000);
  });

  it("takes a typed number through the modal and asks again when it is out of range", async () => {
    const threadTs = "1700040000.000100";
    await mention(threadTs, "estimate");
    const submit = async (message: { ts: string; blocks: unknown[] }, value: string) => {
      const before = world.fake.callsTo("views.open").length;
      const open = findButton(message.blocks, actionIds.answerOpen);
      await world.harness.click({
        user: owner,
        actionId: actionIds.answerOpen,
        value: open?.value ?? "",
        messageTs: message.ts,
        threadTs,
      });
      const opened = await world.fake.waitFor(() => world.fake.callsTo("views.open")[before]);
      const view = opened.params.view as { callback_id: string; private_metadata: string };
      expect(view.callback_id).toBe(viewIds.answerModal);
      return submitAnswerModal(world.harness, { user: owner, view, value: value });
    };

    const first = await world.fake.waitFor(() => questions(threadTs)[0], 15_000);
    expect(JSON.stringify(first.blocks)).toContain("a whole number from 1 to 5");
    expect(blockLimitError({ text: first.text, blocks: first.blocks })).toBeUndefined();
    expect(await submit(first, "9")).toBe(200);
    const second = await world.fake.waitFor(() => questions(threadTs)[1], 10_000);
    expect(JSON.stringify(second.blocks)).toContain("it must be at most 5");
    expect(await submit(second, "4")).toBe(200);
    await waitUntil(() => outcomes.has("estimate"));
    expect(outcomes.get("estimate")).toEqual({ action: "accept", content: { days: 4 } });
  });
});
