import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { getSession } from "../../src/adapters/database/sessions.ts";
import type { AuditEntry } from "../../src/domain/audit.ts";
import { defineTool } from "../../src/domain/tool.ts";
import type { WorkspacesPort } from "../../src/domain/workspaces-port.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import { actionIds, settingsIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { settingsFields, settingsValue } from "../../src/surfaces/slack/blocks/channel-settings-modal.ts";
import {
  type ChannelSettingsStore,
  createDatabaseChannelSettingsStore,
} from "../../src/surfaces/slack/channel-settings/settings-store.ts";
import { createDatabaseSlackStore } from "../../src/surfaces/slack/database-slack-store.ts";
import {
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { eventually } from "../helpers/eventually.ts";
import { briefOf, createTestRuntime, isSupervisorRequest, testConfig } from "../helpers/runtime-harness.ts";
import { channel, findButton, type Harness, startHarness } from "./support/harness.ts";

const admin = "U0ADMIN";
const lead = "U0LEAD";
const owner = "U0OWNER";
const opsMember = "U0OPS1";
const stranger = "U0STRANGER";
const topicChannel = "C0TOPIC";
const lockedChannel = "C0LOCKED";
const team = { teamId: "T0TEAM", enterpriseId: undefined };

const runTests = defineTool({
  name: "run_tests",
  description: "Run the test suite.",
  input: z.object({ command: z.string() }),
  risk: "risky",
  describe: (input) => `run ${input.command}`,
  async execute() {
    return "12 passed";
  },
});

const created: { repo: string; baseBranch: string | undefined }[] = [];
const workspaces: WorkspacesPort = {
  async createWorkspace(request) {
    created.push({ repo: request.repo, baseBranch: request.baseBranch });
    return {
      repoName: request.repo,
      root: "/nonexistent",
      branch: `tw/${request.agentId.slice(-6)}`,
      baseCommit: "abc",
    };
  },
  async finalizeWorkspace(request) {
    return { branch: request.workspace.branch, commit: "def", pushed: false };
  },
};

function respond(server: FakeLlmServer): void {
  server.respondWith((request) => {
    if (isSupervisorRequest(request)) {
      if (request.lastUserText.includes("finished")) return textResponse("Deployed.");
      if (request.lastToolResults.length > 0) return textResponse("Started one agent.");
      if (request.turnIndex > 0) return textResponse("Noted.");
      return toolCallResponse([
        { name: "spawn_agent", input: { title: "Deployer", brief: "deploy: run the tests" } },
      ]);
    }
    if (!briefOf(request).startsWith("deploy")) return textResponse("?");
    if (request.turnIndex === 0)
      return toolCallResponse([{ name: "run_tests", input: { command: "npm test" } }]);
    return toolCallResponse([{ name: "finish", input: { summary: "Tests pass." } }]);
  });
}

describe("channel settings from Slack", () => {
  let handle: DatabaseHandle;
  let llm: FakeLlmServer;
  let fake: FakeSlackServer;
  let runtime: Runtime;
  let harness: Harness;
  let store: ChannelSettingsStore;
  const audited: AuditEntry[] = [];

  beforeAll(async () => {
    handle = await createTestDatabase("pglite");
    llm = await startFakeLlmServer();
    respond(llm);
    fake = await FakeSlackServer.start();
    fake.addUser({ id: admin, name: "admin", isAdmin: true });
    for (const id of [lead, owner, opsMember, stranger]) fake.addUser({ id, name: id.toLowerCase() });
    fake.setUsergroup("S0OPS", [opsMember]);
    fake.setUsergroup("S0LEADS", [lead]);
    fake.conversations.setTopic(topicChannel, "Web work · repo:acme/web@dev");
    store = createDatabaseChannelSettingsStore(handle.db);
    runtime = createTestRuntime({
      handle,
      anthropicBaseUrl: llm.anthropicBaseUrl,
      config: testConfig(),
      workerTools: [runTests],
      workspaces,
      repositories: { names: ["acme/web", "acme/api"], defaultRepository: "acme/api" },
    });
    harness = await startHarness({
      runtime,
      fake,
      store: createDatabaseSlackStore(handle.db),
      slack: { admins: ["S0LEADS"] },
      channelSettings: {
        store,
        choices: {
          repositories: ["acme/web", "acme/api"],
          defaultRepository: "acme/api",
          models: ["anthropic:claude-sonnet-5-5", "anthropic:claude-haiku-5-5"],
          mcpServers: [],
        },
        deployment: { approverIds: [], budgetUsd: undefined },
        audit: { record: async (entry) => void audited.push(entry) },
      },
    });
    await runtime.start();
  });
  afterAll(async () => {
    await harness?.stop();
    await runtime?.stop();
    await fake?.close();
    await llm?.close();
    await handle?.close();
  });

  const ephemeralsTo = (user: string) =>
    fake
      .callsTo("chat.postEphemeral")
      .filter((call) => call.params.user === user)
      .map((call) => String(call.params.text));

  function submit(
    user: string,
    view: { callback_id: string; private_metadata: string },
    values: Record<string, unknown>,
  ) {
    const state = Object.fromEntries(
      Object.entries(values).map(([block, value]) => [block, { [settingsValue]: value }]),
    );
    return harness.interaction({
      type: "view_submission",
      user: { id: user, team_id: fake.teamId },
      team: { id: fake.teamId },
      api_app_id: "A0APP",
      token: "verification-token",
      trigger_id: "trigger.submit",
      view: { id: "V1", type: "modal", ...view, state: { values: state } },
    });
  }

  async function openModal(user: string, channelId = channel) {
    const before = fake.callsTo("views.open").length;
    expect(await harness.command({ user, command: "/threadwork", text: "settings", channelId })).toBe(200);
    const opened = await fake.waitFor(() => fake.callsTo("views.open")[before]);
    return opened.params.view as { callback_id: string; private_metadata: string };
  }

  async function mention(channelId: string, user: string, threadTs: string) {
    await harness.event(`Ev${threadTs}`, {
      type: "app_mention",
      user,
      text: `<@${fake.botUserId}> deploy the web app`,
      ts: threadTs,
      channel: channelId,
    });
  }

  it("lets an admin set the repository, branch, budget and an approver group, and the next session uses and names them", async () => {
    const view = await openModal(admin);
    expect(view.callback_id).toBe(settingsIds.modal);
    expect(
      await submit(admin, view, {
        [settingsFields.repository]: { type: "static_select", selected_option: { value: "acme/web" } },
        [settingsFields.baseBranch]: { type: "plain_text_input", value: "main" },
        [settingsFields.budgetUsd]: { type: "number_input", value: "5" },
        [settingsFields.approverGroups]: { type: "plain_text_input", value: "S0OPS" },
      }),
    ).toBe(200);
    await fake.waitFor(() => ephemeralsTo(admin).find((text) => text.includes("saved")), 5000);
    expect((await store.current(team, channel))?.settings).toEqual({
      repository: "acme/web",
      baseBranch: "main",
      budgetUsd: 5,
      approvers: ["S0OPS"],
    });

    const threadTs = "1700020000.000100";
    await mention(channel, owner, threadTs);
    const line = await fake.waitFor(
      () =>
        fake
          .threadMessages(channel, threadTs)
          .find((message) => message.text.startsWith("Channel settings:")),
      10_000,
    );
    expect(line.text).toBe("Channel settings: repo acme/web@main · budget $5 · approvers <!subteam^S0OPS>");
    const session = await eventually(() =>
      runtime.findSession({ surface: "slack", conversationKey: `${fake.teamId}:${channel}:${threadTs}` }),
    );
    expect((await getSession(handle.db, session.id))?.budgetMicros).toBe(5_000_000);
    // The line is the thread's first message, before any reply.
    expect(fake.threadMessages(channel, threadTs)[0]?.text).toBe(line.text);

    // A member of the approver group approves; someone outside it cannot.
    const approval = await fake.waitFor(
      () =>
        fake.threadMessages(channel, threadTs).find((message) => message.text.startsWith("Approval needed")),
      15_000,
    );
    expect(created).toContainEqual({ repo: "acme/web", baseBranch: "main" });
    const approve = findButton(approval.blocks, actionIds.approve);
    const click = (user: string) =>
      harness.click({
        user,
        actionId: actionIds.approve,
        value: approve?.value ?? "",
        messageTs: approval.ts,
        threadTs,
      });
    await click(stranger);
    await fake.waitFor(() => ephemeralsTo(stranger).length > 0, 5000);
    expect(JSON.stringify(approval.blocks)).not.toContain("Approved");
    await click(opsMember);
    await fake.waitFor(() => JSON.stringify(approval.blocks).includes(`<@${opsMember}>`), 10_000);
    await fake.waitFor(
      () => fake.threadMessages(channel, threadTs).find((message) => message.text.includes("Deployed.")),
      15_000,
    );
  });

  it("refuses a non-admin's command and a forged submission, and stores nothing", async () => {
    const opens = fake.callsTo("views.open").length;
    expect(await harness.command({ user: owner, command: "/threadwork", text: "settings" })).toBe(200);
    await fake.waitFor(
      () => ephemeralsTo(owner).find((text) => text.includes("Only workspace admins")),
      5000,
    );
    expect(fake.callsTo("views.open")).toHaveLength(opens);

    const forged = { callback_id: settingsIds.modal, private_metadata: JSON.stringify({ channel }) };
    const notes = ephemeralsTo(owner).length;
    await submit(owner, forged, {
      [settingsFields.repository]: { type: "static_select", selected_option: { value: "acme/api" } },
      [settingsFields.budgetUsd]: { type: "number_input", value: "1000" },
    });
    const answer = await fake.waitFor(() => ephemeralsTo(owner)[notes], 5000);
    expect(answer).toContain("Only workspace admins");
    expect(await store.history(team, channel)).toHaveLength(1);
    expect((await store.current(team, channel))?.settings.repository).toBe("acme/web");
  });

  it("honours repo:NAME in the topic of a channel with no repository set", async () => {
    const threadTs = "1700030000.000100";
    await mention(topicChannel, owner, threadTs);
    const line = await fake.waitFor(
      () =>
        fake
          .threadMessages(topicChannel, threadTs)
          .find((message) => message.text.startsWith("Channel settings:")),
      10_000,
    );
    expect(line.text).toBe("Channel settings: repo acme/web@dev (from the topic)");
    await fake.waitFor(() => created.find((item) => item.baseBranch === "dev"), 15_000);
    expect(created).toContainEqual({ repo: "acme/web", baseBranch: "dev" });
  });

  it("keeps who changed what, lets a configured admin group change settings, and records each change", async () => {
    const view = await openModal(lead);
    await submit(lead, view, {
      [settingsFields.repository]: { type: "static_select", selected_option: { value: "acme/web" } },
      [settingsFields.baseBranch]: { type: "plain_text_input", value: "main" },
      [settingsFields.budgetUsd]: { type: "number_input", value: "8" },
      [settingsFields.approverGroups]: { type: "plain_text_input", value: "S0OPS" },
    });
    await fake.waitFor(() => ephemeralsTo(lead).find((text) => text.includes("saved")), 5000);
    const history = await store.history(team, channel);
    expect(history.map(({ changedBy, changes }) => ({ changedBy, changes }))).toEqual([
      { changedBy: lead, changes: [{ setting: "budgetUsd", value: 8 }] },
      {
        changedBy: admin,
        changes: [
          { setting: "repository", value: "acme/web" },
          { setting: "baseBranch", value: "main" },
          { setting: "budgetUsd", value: 5 },
          { setting: "approvers", value: ["S0OPS"] },
        ],
      },
    ]);
    // Anyone of the workspace reads the history in Slack.
    expect(await harness.command({ user: owner, command: "/threadwork", text: "settings history" })).toBe(
      200,
    );
    const listed = await fake.waitFor(() => ephemeralsTo(owner).find((text) => text.includes("*Changes*")));
    expect(listed).toContain(`v2 `);
    expect(listed).toContain(`by <@${lead}>: budgetUsd → 8`);
    expect(listed).toContain(`by <@${admin}>: repository → "acme/web"`);
    expect(audited.filter((entry) => entry.actorId === lead)).toMatchObject([
      { action: "settings-changed", channelId: channel, detail: "budgetUsd = 8", scope: team },
    ]);
  });

  it("lets only the people a channel names start sessions there", async () => {
    const view = await openModal(admin, lockedChannel);
    await submit(admin, view, {
      [settingsFields.starterUsers]: { type: "multi_users_select", selected_users: [owner] },
    });
    await fake.waitFor(() => ephemeralsTo(admin).filter((text) => text.includes("saved")).length === 2, 5000);
    await mention(lockedChannel, stranger, "1700040000.000100");
    await fake.waitFor(() => ephemeralsTo(stranger).find((text) => text.includes("not among them")), 5000);
    expect(
      await runtime.findSession({
        surface: "slack",
        conversationKey: `${fake.teamId}:${lockedChannel}:1700040000.000100`,
      }),
    ).toBeUndefined();
  });

  it("shows admins a Channel settings button in App Home that opens the modal with a channel picker", async () => {
    const homeOf = async (user: string) => {
      const before = fake.callsTo("views.publish").length;
      await harness.event(`EvHome${user}`, { type: "app_home_opened", user, channel: "D0HOME", tab: "home" });
      const published = await fake.waitFor(() => fake.callsTo("views.publish")[before], 5000);
      return JSON.stringify(published.params.view);
    };
    expect(await homeOf(owner)).not.toContain(settingsIds.openFromHome);
    const home = JSON.parse(await homeOf(admin)) as { blocks: unknown[] };
    const open = findButton(home.blocks, settingsIds.openFromHome);
    expect(open).toBeDefined();
    const opens = fake.callsTo("views.open").length;
    await harness.interaction({
      type: "block_actions",
      user: { id: admin, username: admin, team_id: fake.teamId },
      team: { id: fake.teamId, domain: "threadwork-test" },
      api_app_id: "A0APP",
      token: "verification-token",
      trigger_id: "trigger.home",
      container: { type: "view", view_id: "V0HOME" },
      view: { id: "V0HOME", type: "home" },
      actions: [
        { type: "button", action_id: settingsIds.openFromHome, block_id: "b", value: "open", action_ts: "1" },
      ],
    });
    const opened = await fake.waitFor(() => fake.callsTo("views.open")[opens], 5000);
    const view = opened.params.view as { callback_id: string; private_metadata: string };
    expect(JSON.stringify(view)).toContain(settingsFields.channel);
    await submit(admin, view, {
      [settingsFields.channel]: { type: "conversations_select", selected_conversation: "C0HOME" },
      [settingsFields.budgetUsd]: { type: "number_input", value: "3" },
    });
    await eventually(async () => (await store.current(team, "C0HOME"))?.settings.budgetUsd === 3);
  });
});
