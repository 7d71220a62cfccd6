import { describe, expect, it } from "vitest";
import { actionIds, viewIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { submitAnswerModal } from "../helpers/answer-modal.ts";
import { channel, findButton } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";
import { owner, stranger, useSlackSurface } from "./support/slack-surface-per-test.ts";

describe("answering a question", () => {
  const slack = useSlackSurface();

  it("answers through the modal, and refuses a stale Answer… click", async () => {
    const runtime = new ScriptedRuntime();
    const { harness: current, fake, sessionId, threadTs } = await slack.startSession(runtime);
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

    const status = await submitAnswerModal(current, {
      user: owner,
      view,
      value: "https://staging.example.com",
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
});
