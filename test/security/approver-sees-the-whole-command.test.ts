import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { textResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import type { FakeMessage } from "../fakes/fake-slack-server.ts";
import { blockLimitError } from "../fakes/slack-block-limits.ts";
import { briefOf, isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { findButton } from "../slack/support/harness.ts";
import { owner, type Scenario, startScenario } from "./support/approval-scenario.ts";

const longCommand = `echo "${"=".repeat(5000)}"; echo HIDDEN > f`;
const hugeCommand = `echo "${"&<>".repeat(70_000)}"`;

/** The command as the approver reads it: the code sections joined, escapes and fence spacers undone. */
function shownCommand(message: FakeMessage): string {
  return (message.blocks as { type: string; text?: { text?: string } }[])
    .map((block) => block.text?.text ?? "")
    .filter((text) => text.startsWith("```") && text.endsWith("```"))
    .map((text) => text.slice(3, -3))
    .join("")
    .replaceAll("\u200b", "")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

describe("the approver sees the whole command", () => {
  let scenario: Scenario;

  beforeAll(async () => {
    scenario = await startScenario();
    scenario.llm.respondWith((request) => {
      if (isSupervisorRequest(request)) {
        if (request.lastUserText.includes("finished")) return textResponse("Done with the long one.");
        if (request.turnIndex > 0) return textResponse("Started.");
        return toolCallResponse([
          { name: "spawn_agent", input: { title: "Runner", brief: "long commands", repo: "app" } },
        ]);
      }
      if (!briefOf(request).startsWith("long")) return textResponse("?");
      const commands = [longCommand, hugeCommand, "ls -la"];
      const command = commands[request.turnIndex];
      if (command) return toolCallResponse([{ name: "run_command", input: { command } }]);
      return toolCallResponse([{ name: "finish", input: { summary: "done" } }]);
    });
  });
  afterAll(async () => {
    await scenario?.close();
  });

  it("shows a 5,000-character command's tail, refuses one too long to show, and runs only the exact input approved", async () => {
    const { fake, ran, llm, handle } = scenario;
    const threadTs = "1700040000.000100";
    const instance = await scenario.start("long");
    await scenario.mention(instance, threadTs, "run the long commands");

    const approval = await fake.waitFor(() => scenario.posted(threadTs, "Approval needed"), 15_000);
    // Every character, the tail included, within Slack's limits (the fake rejects more).
    expect(shownCommand(approval)).toBe(longCommand);
    expect(JSON.stringify(approval.blocks)).toContain("shown in full in 2 parts");
    await instance.harness.click({
      user: owner,
      actionId: actionIds.approve,
      value: findButton(approval.blocks, actionIds.approve)?.value ?? "",
      messageTs: approval.ts,
      threadTs,
    });

    // Too long to show in full: refused before anyone is asked, and the model is told why.
    const refusal = await fake.waitFor(
      () =>
        llm.requests.find((request) =>
          request.lastToolResults.some((result) => result.content.includes("too long for an approver")),
        ),
      15_000,
    );
    expect(refusal.lastToolResults[0]?.content).toContain("Put the logic in a file");

    // The next approval is tampered with while it waits: what it shows no longer hashes to the call.
    const third = await fake.waitFor(() => {
      const latest = scenario.posted(threadTs, "Approval needed");
      return latest !== approval && latest;
    }, 15_000);
    expect(shownCommand(third)).toBe("ls -la");
    await handle.db.execute(
      sql`update requests set action = jsonb_set(action, '{input,command}', '"ls"') where status = 'pending'`,
    );
    await instance.harness.click({
      user: owner,
      actionId: actionIds.approve,
      value: findButton(third.blocks, actionIds.approve)?.value ?? "",
      messageTs: third.ts,
      threadTs,
    });
    const mismatch = await fake.waitFor(
      () =>
        llm.requests.find((request) =>
          request.lastToolResults.some((result) => result.content.includes("does not match this call")),
        ),
      15_000,
    );
    expect(mismatch).toBeDefined();
    await fake.waitFor(() => scenario.posted(threadTs, "Done with the long one"), 15_000);

    expect(ran).toEqual([longCommand]);
    expect(
      fake
        .callsTo("chat.postMessage")
        .filter((call) => String(call.params.text).startsWith("Approval needed")),
    ).toHaveLength(2);
    // No message broke a Block Kit limit (the fake would have refused it, as Slack does).
    expect(fake.calls.filter((call) => blockLimitError(call.params) !== undefined)).toEqual([]);
  });
});
