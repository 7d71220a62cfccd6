import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { ApprovalPolicy } from "../../src/domain/decision-rule.ts";
import { defineTool } from "../../src/domain/tool.ts";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { textResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import { isSupervisorRequest, testConfig } from "../helpers/runtime-harness.ts";
import { clickAs } from "../security/support/click-as.ts";
import { type SlackWithRuntime, startSlackWithRuntime } from "../security/support/slack-with-runtime.ts";
import { channel, findButton } from "./support/harness.ts";

const owner = "U0OWNER";
const approver = "U0APPROVER";
const stranger = "U0STRANGER";

const deploy = defineTool({
  name: "deploy_preview",
  description: "Deploy a preview.",
  input: z.object({ target: z.string() }),
  risk: "risky",
  async execute(input) {
    return `deployed to ${input.target}`;
  },
});

/** The sentence each policy's refusal says, and only it. */
const wording: Record<ApprovalPolicy, string> = {
  "owner-or-approvers": "Only the person who started this session or a configured approver",
  "approvers-only": "Only a configured approver other than the person who started this session",
};

describe.each(["approvers-only", "owner-or-approvers"] as const)(
  "a stranger's refused Approve under %s",
  (policy) => {
    let world: SlackWithRuntime;
    const threadTs = "1700900000.000100";

    beforeAll(async () => {
      world = await startSlackWithRuntime({
        config: testConfig({}, [approver], policy),
        workerTools: [deploy],
        respond: (request) => {
          if (isSupervisorRequest(request)) {
            if (request.turnIndex === 0) {
              return toolCallResponse([
                { name: "spawn_agent", input: { title: "Deployer", brief: "deploy" } },
              ]);
            }
            return textResponse("Noted.");
          }
          if (request.turnIndex === 0) {
            return toolCallResponse([{ name: "deploy_preview", input: { target: "staging" } }]);
          }
          return toolCallResponse([{ name: "finish", input: { summary: "deployed" } }]);
        },
      });
      for (const id of [owner, approver, stranger]) world.fake.addUser({ id, name: id });
    });
    afterAll(async () => {
      await world?.close();
    });

    it("names the policy in force and not the other one", async () => {
      const { fake, harness } = world;
      await harness.event("EvDeploy", {
        type: "app_mention",
        user: owner,
        team: fake.teamId,
        text: `<@${fake.botUserId}> deploy`,
        ts: threadTs,
        channel,
      });
      const approval = await fake.waitFor(
        () =>
          fake
            .threadMessages(channel, threadTs)
            .find((message) => message.text.startsWith("Approval needed")),
        15_000,
      );
      const approve = findButton(approval.blocks, actionIds.approve);
      await clickAs(world, {
        user: stranger,
        team: fake.teamId,
        actionId: actionIds.approve,
        value: approve?.value ?? "",
        messageTs: approval.ts,
        threadTs,
      });
      const [note] = await fake.waitFor(() => {
        const notes = world.ephemeralsTo(stranger);
        return notes.length > 0 ? notes : undefined;
      }, 10_000);
      const other = policy === "approvers-only" ? "owner-or-approvers" : "approvers-only";
      expect(note).toContain(wording[policy]);
      expect(note).not.toContain(wording[other]);
      expect(note).not.toMatch(/approvers-only|owner-or-approvers|policy/);
    });
  },
);
