import { describe, expect, it } from "vitest";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { channel, findButton } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";
import { approver, owner, stranger, useSlackSurface } from "./support/slack-surface-per-test.ts";

describe("budget and stop buttons", () => {
  const slack = useSlackSurface();

  it("lets only the owner or an approver extend a budget or stop agents", async () => {
    const runtime = new ScriptedRuntime({ approvers: [approver] });
    const { harness: current, fake, sessionId, threadTs } = await slack.startSession(runtime);
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
});
