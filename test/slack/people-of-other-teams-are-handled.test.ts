import { afterEach, describe, expect, it } from "vitest";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { sleep } from "../helpers/sleep.ts";
import { channel, findButton, type Harness, startHarness } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";

const organization = "E0ORG";
const sibling = { id: "U0SIBLING", name: "sibling", teamId: "T0SIBLING", enterpriseId: organization };
const partner = { id: "U0PARTNER", name: "partner", teamId: "T0PARTNER" };
const outsider = { id: "U0OUTSIDER", name: "outsider", teamId: "T0OUTSIDE", enterpriseId: "E0OTHER" };

/**
 * Enterprise Grid and Slack Connect: the workspace a person belongs to may not be the one that
 * installed Threadwork, and an org-wide install clicks arrive with `team: null`.
 */
describe("people whose team is not the installing workspace", () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  async function startWorld(options: { teams?: string[] } = {}) {
    const fake = await FakeSlackServer.start();
    fake.enterpriseId = organization;
    for (const user of [sibling, partner, outsider]) fake.addUser(user);
    const runtime = new ScriptedRuntime();
    harness = await startHarness({
      runtime,
      fake,
      slack: { access: { teams: options.teams ?? [], users: [], usergroups: [], channels: [] } },
    });
    return { fake, runtime, current: harness };
  }

  it("admits a member of another workspace in our organization and streams to their own team", async () => {
    const { fake, runtime, current } = await startWorld();
    const threadTs = "1700007000.000100";
    await current.event("EvSibling", {
      type: "app_mention",
      user: sibling.id,
      user_team: sibling.teamId,
      text: `<@${fake.botUserId}> help`,
      ts: threadTs,
      channel,
    });
    await fake.waitFor(() => runtime.sessions.size === 1);
    const sessionId = [...runtime.sessions.keys()][0] ?? "";
    await runtime.reply(sessionId, "turn-1", "Sure thing. Here.", ["Sure thing. ", "Here."]);
    const stream = await fake.waitFor(() => fake.callsTo("chat.startStream")[0]);
    expect(stream.params).toMatchObject({ recipient_user_id: sibling.id, recipient_team_id: sibling.teamId });
    await fake.close();
  });

  it("takes the recipient's team from users.info when the event does not say it", async () => {
    const { fake, runtime, current } = await startWorld({ teams: [partner.teamId] });
    await current.event("EvPartner", {
      type: "app_mention",
      user: partner.id,
      text: `<@${fake.botUserId}> help`,
      ts: "1700007100.000100",
      channel,
    });
    await fake.waitFor(() => runtime.sessions.size === 1);
    const sessionId = [...runtime.sessions.keys()][0] ?? "";
    await runtime.reply(sessionId, "turn-1", "Sure thing. Here.", ["Sure thing. ", "Here."]);
    const stream = await fake.waitFor(() => fake.callsTo("chat.startStream")[0]);
    expect(stream.params.recipient_team_id).toBe(partner.teamId);
    await fake.close();
  });

  it("refuses a person of another organization", async () => {
    const { fake, runtime, current } = await startWorld();
    await current.event("EvOutsider", {
      type: "app_mention",
      user: outsider.id,
      user_team: outsider.teamId,
      text: `<@${fake.botUserId}> help`,
      ts: "1700007200.000100",
      channel,
    });
    const note = await fake.waitFor(() => fake.callsTo("chat.postEphemeral")[0]);
    expect(String(note.params.text)).toContain("workspace that installed it");
    expect(runtime.sessions.size).toBe(0);
    await fake.close();
  });

  it("stops an agent from a click with team null (org-wide install), by a member of a sibling workspace", async () => {
    const { fake, runtime, current } = await startWorld();
    const threadTs = "1700007300.000100";
    await current.event("EvOrgWide", {
      type: "app_mention",
      user: sibling.id,
      user_team: sibling.teamId,
      text: `<@${fake.botUserId}> work`,
      ts: threadTs,
      channel,
    });
    await fake.waitFor(() => runtime.sessions.size === 1);
    const sessionId = [...runtime.sessions.keys()][0] ?? "";
    const agent = runtime.startAgent(sessionId, "Long job");
    const board = await fake.waitFor(() =>
      [...fake.messages.values()].find((message) => message.text.startsWith("Crew:")),
    );
    const stop = findButton(board.blocks, actionIds.stopAgent);
    await current.interaction({
      type: "block_actions",
      is_enterprise_install: true,
      enterprise: { id: organization, name: "Org" },
      team: null,
      user: { id: sibling.id, username: sibling.name, team_id: sibling.teamId },
      api_app_id: "A0APP",
      token: "verification-token",
      trigger_id: "trigger.org",
      container: {
        type: "message",
        message_ts: board.ts,
        channel_id: channel,
        is_ephemeral: false,
        thread_ts: threadTs,
      },
      channel: { id: channel, name: "general" },
      message: { type: "message", ts: board.ts, thread_ts: threadTs, text: "", user: fake.botUserId },
      actions: [
        {
          type: "button",
          action_id: stop?.action_id,
          block_id: "b",
          value: stop?.value,
          action_ts: "1700007301.0",
        },
      ],
      response_url: "https://hooks.slack.invalid/actions/1",
    });
    await fake.waitFor(() => runtime.inputs.some((input) => input.type === "cancel"));
    expect(runtime.inputs.find((input) => input.type === "cancel")).toEqual({
      type: "cancel",
      sessionId,
      userId: sibling.id,
      agentId: agent.id,
    });
    await sleep(100);
    expect(fake.callsTo("chat.postEphemeral")).toEqual([]);
    await fake.close();
  });
});
