import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listApprovalRules } from "../../src/adapters/database/requests.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import type { RequestSnapshot } from "../../src/domain/requests.ts";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { renderApproval } from "../../src/surfaces/slack/blocks/approval.ts";
import { textResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import type { FakeMessage } from "../fakes/fake-slack-server.ts";
import { briefOf, isSupervisorRequest, testConfig } from "../helpers/runtime-harness.ts";
import { channel, findButton } from "../slack/support/harness.ts";
import { type Instance, owner, type Scenario, startScenario } from "./support/approval-scenario.ts";

// With THREADWORK_SANDBOX=off a command reads every secret of the service. The owner approves
// `npm test` with "Always allow"; the worker rewrites the test script and runs `npm test` again.
// Without the sandbox no rule may exempt it: it asks again, and "Always allow" is never offered.
const sandboxOff = { ...testConfig(), approvals: loadConfig({ THREADWORK_SANDBOX: "off" }).approvals };

const scripts: Record<string, string[]> = {
  "test twice": ["npm test", "npm test"],
  "test, list, test": ["npm test", "ls", "npm test"],
};

describe("Always allow is off without the sandbox", () => {
  let scenario: Scenario;

  beforeAll(async () => {
    scenario = await startScenario();
    scenario.llm.respondWith((request) => {
      if (isSupervisorRequest(request)) {
        if (request.lastUserText.includes("finished")) return textResponse("Done testing.");
        if (request.turnIndex > 0) return textResponse("Started.");
        const brief = Object.keys(scripts).find((name) => request.lastUserText.includes(name)) ?? "?";
        return toolCallResponse([{ name: "spawn_agent", input: { title: "Tester", brief, repo: "app" } }]);
      }
      const command = scripts[briefOf(request)]?.[request.turnIndex];
      if (command) return toolCallResponse([{ name: "run_command", input: { command } }]);
      return toolCallResponse([{ name: "finish", input: { summary: "tested" } }]);
    });
  });
  afterAll(async () => {
    await scenario?.close();
  });

  async function sessionOf(instance: Instance, threadTs: string): Promise<string> {
    const key = `${scenario.fake.teamId}:${channel}:${threadTs}`;
    return (await instance.runtime.findSession({ surface: "slack", conversationKey: key }))?.id ?? "";
  }

  /** The next approval message; fails as soon as more than `runs` commands ran without one. */
  async function approvalAfter(threadTs: string, after: FakeMessage[], runs: number): Promise<FakeMessage> {
    const next = await scenario.fake.waitFor(() => {
      if (scenario.ran.length > runs) return { ran: [...scenario.ran], message: undefined };
      const latest = scenario.posted(threadTs, "Approval needed");
      return latest && !after.includes(latest) ? { ran: [], message: latest } : undefined;
    }, 20_000);
    if (!next.message) return expect.fail(`ran without asking: ${next.ran.join(", ")}`);
    return next.message;
  }

  async function click(instance: Instance, message: FakeMessage, threadTs: string, actionId: string) {
    await instance.harness.click({
      user: owner,
      actionId,
      // Every button of an approval carries the request id: a forged click needs nothing more.
      value: findButton(message.blocks, actionIds.deny)?.value ?? "",
      messageTs: message.ts,
      threadTs,
    });
  }

  it("offers no Always allow, approves a forged click once, and asks for the same command again", async () => {
    const threadTs = "1700040000.000100";
    const instance = await scenario.start("off", sandboxOff);
    await scenario.mention(instance, threadTs, "test twice");

    const first = await approvalAfter(threadTs, [], 0);
    expect(JSON.stringify(first.blocks)).toContain("```npm test```");
    expect(findButton(first.blocks, actionIds.alwaysAllow)).toBeUndefined();
    expect(JSON.stringify(first.blocks)).toContain('\\"Always allow\\" is not offered');

    // A stale or forged "Always allow" click approves this one call and stores no rule.
    await click(instance, first, threadTs, actionIds.alwaysAllow);
    await scenario.fake.waitFor(() => JSON.stringify(first.blocks).includes("Approved"), 10_000);
    expect(JSON.stringify(first.blocks)).not.toContain("always allow");
    expect(await listApprovalRules(scenario.handle.db, await sessionOf(instance, threadTs))).toEqual([]);

    const second = await approvalAfter(threadTs, [first], 1);
    expect(JSON.stringify(second.blocks)).toContain("```npm test```");
    expect(findButton(second.blocks, actionIds.alwaysAllow)).toBeUndefined();
    expect(scenario.ran).toEqual(["npm test"]);

    await click(instance, second, threadTs, actionIds.deny);
    await scenario.fake.waitFor(() => scenario.posted(threadTs, "Done testing"), 20_000);
    expect(scenario.ran).toEqual(["npm test"]);
    await scenario.stop(instance);
  });

  it("ignores a rule stored while the sandbox was on once the sandbox is off", async () => {
    scenario.ran.length = 0;
    const threadTs = "1700040001.000100";
    const sandboxed = await scenario.start("on");
    await scenario.mention(sandboxed, threadTs, "test, list, test");

    const first = await approvalAfter(threadTs, [], 0);
    await click(sandboxed, first, threadTs, actionIds.alwaysAllow);
    await scenario.fake.waitFor(() => JSON.stringify(first.blocks).includes("always allow"), 10_000);
    const listing = await approvalAfter(threadTs, [first], 1);
    expect(JSON.stringify(listing.blocks)).toContain("```ls```");
    const sessionId = await sessionOf(sandboxed, threadTs);
    expect((await listApprovalRules(scenario.handle.db, sessionId)).map((rule) => rule.pattern)).toEqual([
      '{"command":"npm test"}',
    ]);

    // The operator turns the sandbox off and restarts; the stored rule is still in the database.
    await scenario.stop(sandboxed);
    const unsandboxed = await scenario.start("off-after-restart", sandboxOff);
    // The request asked before the restart is now shown as one that asks every time.
    const [pending] = await unsandboxed.runtime.listPendingRequests(sessionId);
    expect(pending?.action?.allowAlways).toBe(false);
    expect(
      findButton(renderApproval(pending as RequestSnapshot).blocks, actionIds.alwaysAllow),
    ).toBeUndefined();
    // Its old Slack message still has the button: a click approves `ls` once and stores no rule.
    await click(unsandboxed, listing, threadTs, actionIds.alwaysAllow);
    await scenario.fake.waitFor(() => JSON.stringify(listing.blocks).includes("Approved"), 10_000);
    expect(JSON.stringify(listing.blocks)).not.toContain("always allow");

    const again = await approvalAfter(threadTs, [first, listing], 2);
    expect(JSON.stringify(again.blocks)).toContain("```npm test```");
    expect(findButton(again.blocks, actionIds.alwaysAllow)).toBeUndefined();
    expect(scenario.ran).toEqual(["npm test", "ls"]);
    expect((await listApprovalRules(scenario.handle.db, sessionId)).map((rule) => rule.pattern)).toEqual([
      '{"command":"npm test"}',
    ]);

    await click(unsandboxed, again, threadTs, actionIds.deny);
    await scenario.fake.waitFor(() => scenario.posted(threadTs, "Done testing"), 20_000);
    expect(scenario.ran).toEqual(["npm test", "ls"]);
  });
});
