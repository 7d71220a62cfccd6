import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import type { AuditEntry } from "../../src/domain/audit.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { createDatabaseSlackStore } from "../../src/surfaces/slack/database-slack-store.ts";
import { createDatabaseSpendLimitStore } from "../../src/surfaces/slack/spend-limit-store.ts";
import {
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { createTestRuntime, isSupervisorRequest, testConfig } from "../helpers/runtime-harness.ts";
import { scaled } from "../helpers/time-scale.ts";
import { channel, findButton, type Harness, startHarness } from "./support/harness.ts";

const owner = "U0OWNER";
const approver = "U0APPROVER";
const admin = "U0ADMIN";
const threadTs = "1700020000.000100";

/**
 * One output token costs $0.001, so the supervisor's turns cost $0.40, $0.40, $0.16 and $0.10:
 * 40%, 80% (the 75% alert), 96% (the 95% alert) and 106% (the pause) of a $1.00 daily channel limit.
 */
const outputTokensByTurn = [400, 400, 160, 100];

describe("a channel's daily spend limit", () => {
  let handle: DatabaseHandle;
  let llm: FakeLlmServer;
  let fake: FakeSlackServer;
  let runtime: Runtime;
  let harness: Harness;
  const audited: AuditEntry[] = [];

  beforeAll(async () => {
    handle = await createTestDatabase("postgres");
    llm = await startFakeLlmServer();
    llm.respondWith((request) => {
      if (!isSupervisorRequest(request)) return textResponse("Not used.");
      const outputTokens = outputTokensByTurn[request.turnIndex];
      const usage = { inputTokens: 50, outputTokens: outputTokens ?? 10 };
      if (outputTokens === undefined) return textResponse("All done after the extension.", { usage });
      return toolCallResponse([{ name: "list_agents", input: {} }], { usage });
    });
    fake = await FakeSlackServer.start();
    for (const id of [owner, approver, admin]) fake.addUser({ id, name: id.toLowerCase() });
    const config = testConfig({ spendLimits: { "channel-day": 1_000_000 } }, [approver]);
    config.priceOverrides = { "anthropic:claude-sonnet-5-5": { input: 0, output: 1000, cacheRead: 0 } };
    config.approvals.adminIds = [admin];
    runtime = createTestRuntime({
      handle,
      anthropicBaseUrl: llm.anthropicBaseUrl,
      config,
      audit: { record: async (entry) => void audited.push(entry) },
    });
    harness = await startHarness({
      runtime,
      fake,
      store: createDatabaseSlackStore(handle.db),
      spendLimits: createDatabaseSpendLimitStore(handle.db, config.limits.spendLimits ?? {}),
      adminIds: [admin],
    });
    await runtime.start();
  }, scaled(60_000));
  afterAll(async () => {
    await harness?.stop();
    await runtime?.stop();
    await fake?.close();
    await llm?.close();
    await handle?.close();
  });

  const alerts = () =>
    fake.callsTo("chat.postMessage").filter((call) => String(call.params.channel).startsWith("D"));

  it(
    "alerts the admins at 75% and 95% once each, pauses at the limit, and resumes when an approver extends it",
    async () => {
      await harness.event("EvSpend", {
        type: "app_mention",
        user: owner,
        text: `<@${fake.botUserId}> look around, several times`,
        ts: threadTs,
        channel,
      });
      const paused = await fake.waitFor(
        () =>
          fake
            .threadMessages(channel, threadTs)
            .find((message) => message.text.startsWith("Spend limit reached")),
        scaled(30_000),
      );
      // The requester is told which limit and how much.
      expect(paused.text).toContain(
        "the channel's daily spend limit is reached, $1.06 spent of $1.00 today (UTC)",
      );
      await fake.waitFor(() => alerts().length === 2, scaled(10_000));
      expect(alerts().map((call) => [call.params.channel, String(call.params.text)])).toEqual([
        [
          `D${admin.slice(1)}`,
          expect.stringContaining("75% of the channel's daily spend limit reached: $0.80 of $1.00"),
        ],
        [
          `D${admin.slice(1)}`,
          expect.stringContaining("95% of the channel's daily spend limit reached: $0.96 of $1.00"),
        ],
      ]);
      expect(alerts()[0]?.params.text).toContain(`in <#${channel}>`);
      expect(fake.callsTo("conversations.open").map((call) => call.params.users)).toEqual([admin, admin]);
      const turnsBeforeExtend = llm.requests.length;

      const extend = findButton(paused.blocks, actionIds.budgetExtend);
      // The session's owner could extend its own budget, but a spend limit is the team's.
      await harness.click({
        user: owner,
        actionId: actionIds.budgetExtend,
        value: extend?.value ?? "",
        messageTs: paused.ts,
        threadTs,
      });
      const refusal = await fake.waitFor(() =>
        fake.callsTo("chat.postEphemeral").find((call) => call.params.user === owner),
      );
      expect(String(refusal.params.text)).toContain("Only a configured approver or Threadwork admin");
      expect(JSON.stringify(paused.blocks)).not.toContain("extended");
      expect(llm.requests.length).toBe(turnsBeforeExtend);

      await harness.click({
        user: approver,
        actionId: actionIds.budgetExtend,
        value: extend?.value ?? "",
        messageTs: paused.ts,
        threadTs,
      });
      await fake.waitFor(
        () =>
          fake
            .threadMessages(channel, threadTs)
            .find((message) => message.text.includes("All done after the extension")),
        scaled(20_000),
      );
      expect(JSON.stringify(paused.blocks)).toContain(`<@${approver}>`);
      expect(audited).toEqual([
        expect.objectContaining({
          action: "spend-limit-extended",
          actorId: approver,
          channelId: channel,
          scope: { teamId: fake.teamId, enterpriseId: undefined },
          detail: expect.stringMatching(
            /^channel-day limit of C0GENERAL for \d{4}-\d{2}-\d{2} raised by \$1\.00$/,
          ),
        }),
      ]);
      // $1.06 of the extended $2.00: no alert is sent again this period.
      expect(alerts()).toHaveLength(2);
    },
    scaled(60_000),
  );
});
