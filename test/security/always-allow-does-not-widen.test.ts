import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listApprovalRules } from "../../src/adapters/database/requests.ts";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { textResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import { clickButton } from "../helpers/button-click.ts";
import { briefOf, isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { channel, findButton } from "../slack/support/harness.ts";
import { owner, type Scenario, startScenario } from "./support/approval-scenario.ts";

const injected = "ls *; echo INJECTED > f";

describe("Always allow does not widen", () => {
  let scenario: Scenario;

  beforeAll(async () => {
    scenario = await startScenario();
    scenario.llm.respondWith((request) => {
      if (isSupervisorRequest(request)) {
        if (request.lastUserText.includes("finished")) return textResponse("Done listing.");
        if (request.turnIndex > 0) return textResponse("Started.");
        return toolCallResponse([
          { name: "spawn_agent", input: { title: "Lister", brief: "list the files", repo: "app" } },
        ]);
      }
      if (!briefOf(request).startsWith("list")) return textResponse("?");
      // Allowed once with "Always allow", then the same command, then the attack, then the same again.
      const commands = ["ls *", "ls *", injected, "ls *"];
      const command = commands[request.turnIndex];
      if (command) return toolCallResponse([{ name: "run_command", input: { command } }]);
      return toolCallResponse([{ name: "finish", input: { summary: "listed" } }]);
    });
  });
  afterAll(async () => {
    await scenario?.close();
  });

  it("allows exactly `ls *` again, asks for `ls *; …`, and holds on a restarted second instance", async () => {
    const { fake, ran } = scenario;
    const threadTs = "1700030000.000100";
    const first = await scenario.start("first");
    await scenario.mention(first, threadTs, "list the files");

    const approval = await fake.waitFor(() => scenario.posted(threadTs, "Approval needed"), 15_000);
    const shown = JSON.stringify(approval.blocks);
    expect(shown).toContain("```ls *```");
    expect(shown).toContain(
      '\\"Always allow\\" runs exactly this command (same text, same options) again without asking, for the rest of this session. Any other command or input still asks.',
    );
    await clickButton(first.harness, {
      user: owner,
      message: approval,
      prefix: actionIds.alwaysAllow,
      threadTs,
    });
    await fake.waitFor(() => JSON.stringify(approval.blocks).includes("Approved (always allow)"), 10_000);

    // The legitimate path: the exact command runs again unprompted. The attack asks.
    const second = await fake.waitFor(
      () =>
        scenario.posted(threadTs, "Approval needed") !== approval &&
        scenario.posted(threadTs, "Approval needed"),
      15_000,
    );
    expect(JSON.stringify(second.blocks)).toContain("echo INJECTED &gt; f");
    expect(ran).toEqual(["ls *", "ls *"]);

    const sessionId =
      (
        await first.runtime.findSession({
          surface: "slack",
          conversationKey: `${fake.teamId}:${channel}:${threadTs}`,
        })
      )?.id ?? "";
    expect((await listApprovalRules(scenario.handle.db, sessionId)).map((rule) => rule.pattern)).toEqual([
      '{"command":"ls *"}',
    ]);

    // A restart: the rule lives in Postgres, so a second instance that never saw the click applies it.
    await scenario.stop(first);
    const restarted = await scenario.start("second");
    await restarted.harness.click({
      user: owner,
      actionId: actionIds.deny,
      value: findButton(second.blocks, actionIds.deny)?.value ?? "",
      messageTs: second.ts,
      threadTs,
    });
    await fake.waitFor(() => scenario.posted(threadTs, "Done listing"), 20_000);
    expect(ran).toEqual(["ls *", "ls *", "ls *"]);
    expect(ran.some((command) => command.includes("INJECTED"))).toBe(false);
    expect(
      fake
        .callsTo("chat.postMessage")
        .filter((call) => String(call.params.text).startsWith("Approval needed")),
    ).toHaveLength(2);
    expect(JSON.stringify(second.blocks)).toContain("Denied");
  });
});
