import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { textResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import type { FakeMessage } from "../fakes/fake-slack-server.ts";
import { briefOf, isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { findButton } from "../slack/support/harness.ts";
import {
  type Instance,
  leakedByCommand,
  owner,
  type Scenario,
  startScenario,
} from "./support/approval-scenario.ts";
import { leaksInEveryTable } from "./support/leaks-in-every-table.ts";

/** A Slack-bot-token-shaped secret the model writes into a brief, a command, a summary and a reply. */
const modelToken = "xoxb-4242-9999-ModelWroteThisToken";
/** One a user pastes into the message that starts the session. */
const userToken = "xoxp-1111-2222-UserPastedThisToken";
const secrets = [
  modelToken,
  "ModelWroteThisToken",
  leakedByCommand,
  "LeakedByCommand0123",
  "UserPastedThisToken",
];

describe("tokens in commands are redacted everywhere", () => {
  let scenario: Scenario;

  beforeAll(async () => {
    scenario = await startScenario();
    scenario.llm.respondWith((request) => {
      if (isSupervisorRequest(request)) {
        if (request.lastUserText.includes("finished")) return textResponse(`Done; I used ${modelToken}.`);
        if (request.turnIndex > 0) return textResponse("Started.");
        return toolCallResponse([
          {
            name: "spawn_agent",
            input: { title: "Caller", brief: `call the API with ${modelToken}`, repo: "app" },
          },
        ]);
      }
      if (!briefOf(request).startsWith("call")) return textResponse("?");
      if (request.turnIndex === 0) {
        const command = `curl -H "Authorization: Bearer ${modelToken}" https://slack.com/api/auth.test`;
        return toolCallResponse([{ name: "run_command", input: { command } }]);
      }
      if (request.turnIndex === 1)
        return toolCallResponse([{ name: "run_command", input: { command: "env" } }]);
      return toolCallResponse([{ name: "finish", input: { summary: `called it with ${modelToken}` } }]);
    });
  });
  afterAll(async () => {
    await scenario?.close();
  });

  async function approve(
    instance: Instance,
    threadTs: string,
    after: FakeMessage | undefined,
  ): Promise<FakeMessage> {
    const { fake } = scenario;
    const approval = await fake.waitFor(() => {
      const latest = scenario.posted(threadTs, "Approval needed");
      return latest !== after && latest;
    }, 15_000);
    await instance.harness.click({
      user: owner,
      actionId: actionIds.approve,
      value: findButton(approval.blocks, actionIds.approve)?.value ?? "",
      messageTs: approval.ts,
      threadTs,
    });
    return approval;
  }

  it("keeps a token the model put in a command, one a command printed and one a user pasted out of Slack, prompts and every table", async () => {
    const { fake, ran, llm, handle } = scenario;
    const threadTs = "1700050000.000100";
    const instance = await scenario.start("tokens");
    await scenario.mention(instance, threadTs, `call the API, my token is ${userToken}`);

    const first = await approve(instance, threadTs, undefined);
    expect(JSON.stringify(first.blocks)).toContain("Bearer [REDACTED]");
    await approve(instance, threadTs, first);
    await fake.waitFor(() => scenario.posted(threadTs, "Done;"), 20_000);

    // What was approved is what ran: the redacted command.
    expect(ran).toEqual([
      `curl -H "Authorization: Bearer [REDACTED]" https://slack.com/api/auth.test`,
      "env",
    ]);

    const slack = JSON.stringify(fake.calls);
    const prompts = JSON.stringify(llm.requests);
    for (const secret of secrets) {
      expect(slack).not.toContain(secret);
      expect(prompts).not.toContain(secret);
    }

    const { tables, leaks } = await leaksInEveryTable(handle, secrets);
    expect(tables).toBeGreaterThan(8);
    expect(leaks).toEqual([]);
    // The legitimate content is still there, redacted in place.
    const transcript = (await handle.db.execute(
      sql`select count(*)::int as n from transcript_messages where parts::text like '%[REDACTED]%'`,
    )) as unknown as { rows: { n: number }[] };
    expect(transcript.rows[0]?.n).toBeGreaterThan(0);
  });
});
