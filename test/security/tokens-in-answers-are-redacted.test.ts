import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { textResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import { submitAnswerModal } from "../helpers/answer-modal.ts";
import { briefOf, isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { channel, findButton } from "../slack/support/harness.ts";
import { leaksInEveryTable } from "./support/leaks-in-every-table.ts";
import { type SlackWithRuntime, startSlackWithRuntime } from "./support/slack-with-runtime.ts";

const owner = "U0OWNER";
/** A token the owner types into the answer of an agent's question. */
const pasted = "ghp_AnswerPastedToken0123456789abcdef";

describe("a token typed into an answer is redacted like one in a message", () => {
  let world: SlackWithRuntime;

  beforeAll(async () => {
    world = await startSlackWithRuntime({
      respond: (request) => {
        if (isSupervisorRequest(request)) {
          if (request.turnIndex === 0) {
            return toolCallResponse([
              { name: "spawn_agent", input: { title: "Asker", brief: "ask: which token?" } },
            ]);
          }
          return textResponse("Done.");
        }
        if (!briefOf(request).startsWith("ask")) return textResponse("?");
        if (request.turnIndex === 0) {
          return toolCallResponse([{ name: "ask_user", input: { question: "Which token should I use?" } }]);
        }
        return toolCallResponse([{ name: "finish", input: { summary: "Got the answer." } }]);
      },
    });
  });
  afterAll(async () => {
    await world?.close();
  });

  it("keeps the answer's token out of the requests table, prompts and Slack", async () => {
    const { fake, harness, llm, handle } = world;
    const threadTs = "1700720000.000001";
    await harness.event("EvAnswerToken", {
      type: "app_mention",
      user: owner,
      team: fake.teamId,
      text: `<@${fake.botUserId}> find out`,
      ts: threadTs,
      channel,
    });
    const question = await fake.waitFor(
      () => fake.threadMessages(channel, threadTs).find((item) => item.text.includes("asks:")),
      15_000,
    );
    const open = findButton(question.blocks, actionIds.answerOpen);
    await harness.click({
      user: owner,
      actionId: actionIds.answerOpen,
      value: open?.value ?? "",
      messageTs: question.ts,
      threadTs,
    });
    const opened = await fake.waitFor(() => fake.callsTo("views.open")[0], 10_000);
    const view = opened.params.view as { callback_id: string; private_metadata: string };
    const status = await submitAnswerModal(harness, { user: owner, view, value: `use ${pasted} please` });
    expect(status).toBe(200);
    const answered = await fake.waitFor(
      () =>
        llm.requests.find(
          (request) => !isSupervisorRequest(request) && request.lastToolResults[0]?.sent.includes("answered"),
        ),
      15_000,
    );
    // The legitimate path: the agent gets the answer, with the token redacted in place.
    expect(answered.lastToolResults[0]?.sent).toContain("use [REDACTED] please");
    await fake.waitFor(
      () =>
        llm.requests.find(
          (request) => isSupervisorRequest(request) && request.lastUserText.includes("finished"),
        ),
      15_000,
    );

    expect(JSON.stringify(fake.calls)).not.toContain("AnswerPastedToken");
    expect(JSON.stringify(llm.requests)).not.toContain("AnswerPastedToken");
    const rows = (await handle.db.execute(
      sql`select answer from requests where kind = 'question'`,
    )) as unknown as { rows: { answer: string | null }[] };
    expect(rows.rows.map((row) => row.answer)).toEqual(["use [REDACTED] please"]);
    // No table keeps it: requests, events, transcripts, audit rows, Slack message records.
    const { tables, leaks } = await leaksInEveryTable(handle, ["AnswerPastedToken"]);
    expect(tables).toBeGreaterThan(8);
    expect(leaks).toEqual([]);
  });
});
