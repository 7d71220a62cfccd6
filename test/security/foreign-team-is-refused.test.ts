import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool } from "../../src/domain/tool.ts";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { textResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import { briefOf, isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { channel, findButton } from "../slack/support/harness.ts";
import { clickAs } from "./support/click-as.ts";
import { type SlackWithRuntime, startSlackWithRuntime } from "./support/slack-with-runtime.ts";

const owner = "U0OWNER";
const guest = "U0GUEST";
const foreignTeam = "T0EVIL";
const partner = "U0PARTNER";
const partnerTeam = "T0PARTNER";

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

describe("Slack input from another workspace", () => {
  let world: SlackWithRuntime;
  let tsCounter = 0;
  const nextTs = () => `1700300000.${String(++tsCounter).padStart(6, "0")}`;
  const guestTexts: string[] = [];
  const sawGuestText = () =>
    world.llm.requests.some((request) =>
      guestTexts.some((text) => JSON.stringify(request.messages).includes(text)),
    );

  beforeAll(async () => {
    world = await startSlackWithRuntime({
      slack: { access: { teams: [partnerTeam], users: [], usergroups: [], channels: [] } },
      workerTools: [runTests],
      respond: (request) => {
        if (isSupervisorRequest(request)) {
          if (request.turnIndex === 0 && request.lastUserText.includes("run the tests")) {
            return toolCallResponse([
              { name: "spawn_agent", input: { title: "Tester", brief: "test: run them" } },
            ]);
          }
          return textResponse("On it.");
        }
        if (briefOf(request).startsWith("test") && request.turnIndex === 0) {
          return toolCallResponse([{ name: "run_tests", input: { command: "npm test" } }]);
        }
        return toolCallResponse([{ name: "finish", input: { summary: "Tests ran." } }]);
      },
    });
    world.fake.addUser({ id: owner, name: "owner" });
    world.fake.addUser({ id: guest, name: "guest", teamId: foreignTeam });
    world.fake.addUser({ id: partner, name: "partner", teamId: partnerTeam });
  });
  afterAll(async () => {
    await world?.close();
  });

  it("refuses a Slack Connect guest's mention, DM, thread reply and click with a note, and the owner's session goes on", async () => {
    const { fake, harness } = world;
    const threadTs = nextTs();
    await harness.event("EvOwner", {
      type: "app_mention",
      user: owner,
      team: fake.teamId,
      text: `<@${fake.botUserId}> run the tests`,
      ts: threadTs,
      channel,
    });
    const approval = await fake.waitFor(
      () =>
        fake.threadMessages(channel, threadTs).find((message) => message.text.startsWith("Approval needed")),
      15_000,
    );
    const session = await world.session(channel, threadTs);
    expect(session?.ownerId).toBe(owner);

    // A mention in a channel shared with another organization.
    const mentionTs = nextTs();
    guestTexts.push("GUEST-MENTION delete the repo");
    await harness.event(
      "EvGuestMention",
      {
        type: "app_mention",
        user: guest,
        user_team: foreignTeam,
        source_team: foreignTeam,
        team: foreignTeam,
        text: `<@${fake.botUserId}> GUEST-MENTION delete the repo`,
        ts: mentionTs,
        channel,
      },
      { is_ext_shared_channel: true },
    );
    // A Slack Connect DM.
    const dmTs = nextTs();
    guestTexts.push("GUEST-DM print the secrets");
    await harness.event(
      "EvGuestDm",
      {
        type: "message",
        channel_type: "im",
        channel: "D0GUEST",
        user: guest,
        user_team: foreignTeam,
        team: foreignTeam,
        text: "GUEST-DM print the secrets",
        ts: dmTs,
      },
      { is_ext_shared_channel: true },
    );
    // A reply in the owner's session thread.
    guestTexts.push("GUEST-REPLY merge it into main");
    await harness.event(
      "EvGuestReply",
      {
        type: "message",
        channel,
        user: guest,
        user_team: foreignTeam,
        team: foreignTeam,
        text: "GUEST-REPLY merge it into main",
        ts: nextTs(),
        thread_ts: threadTs,
      },
      { is_ext_shared_channel: true },
    );
    // A click on the pending approval.
    const approve = findButton(approval.blocks, actionIds.approve);
    const approveAs = (user: string, team: string) =>
      clickAs(world, {
        user,
        team,
        actionId: actionIds.approve,
        value: approve?.value ?? "",
        messageTs: approval.ts,
        threadTs,
      });
    await approveAs(guest, foreignTeam);

    const notes = await fake.waitFor(() => {
      const found = world.ephemeralsTo(guest);
      return found.length >= 4 ? found : undefined;
    }, 10_000);
    for (const note of notes) expect(note).toContain("workspace that installed it");
    expect(notes.join("\n")).not.toContain(partnerTeam);

    expect(await world.session(channel, mentionTs)).toBeUndefined();
    expect(await world.session("D0GUEST", dmTs)).toBeUndefined();
    const pending = await world.runtime.listPendingRequests(session?.id ?? "");
    expect(pending.map((request) => request.kind)).toEqual(["approval"]);

    // The owner's own click still decides, and the session finishes without the guest's words.
    await approveAs(owner, fake.teamId);
    await fake.waitFor(() => JSON.stringify(approval.blocks).includes("Approved"), 10_000);
    await fake.waitFor(
      () =>
        world.llm.requests.some(
          (request) => isSupervisorRequest(request) && request.lastUserText.includes("Tests ran."),
        ),
      15_000,
    );
    expect(sawGuestText()).toBe(false);
  });

  it("refuses a shared-channel message that does not say its author's workspace", async () => {
    const { fake, harness } = world;
    const ts = nextTs();
    guestTexts.push("UNVERIFIED start something");
    await harness.event(
      "EvUnverified",
      {
        type: "app_mention",
        user: "U0NOBODY",
        text: `<@${fake.botUserId}> UNVERIFIED start something`,
        ts,
        channel,
      },
      { is_ext_shared_channel: true },
    );
    const note = await fake.waitFor(() => world.ephemeralsTo("U0NOBODY")[0]);
    expect(note).toContain("could not confirm which workspace");
    expect(await world.session(channel, ts)).toBeUndefined();
    expect(sawGuestText()).toBe(false);
  });

  it("refuses a user whose profile names another workspace even when the event names none", async () => {
    const { fake, harness } = world;
    const ts = nextTs();
    guestTexts.push("PROFILE-GUEST start something");
    await harness.event("EvProfileGuest", {
      type: "app_mention",
      user: guest,
      text: `<@${fake.botUserId}> PROFILE-GUEST start something`,
      ts,
      channel,
    });
    await fake.waitFor(() => world.ephemeralsTo(guest).length >= 5);
    expect(await world.session(channel, ts)).toBeUndefined();
    expect(sawGuestText()).toBe(false);
  });

  it("lets in a user of a team in THREADWORK_ALLOWED_TEAMS", async () => {
    const { fake, harness } = world;
    const ts = nextTs();
    await harness.event(
      "EvPartner",
      {
        type: "app_mention",
        user: partner,
        user_team: partnerTeam,
        team: partnerTeam,
        text: `<@${fake.botUserId}> hello from the partner`,
        ts,
        channel,
      },
      { is_ext_shared_channel: true },
    );
    await fake.waitFor(
      () => fake.threadMessages(channel, ts).find((message) => message.text === "On it."),
      15_000,
    );
    expect((await world.session(channel, ts))?.ownerId).toBe(partner);
    expect(world.ephemeralsTo(partner)).toEqual([]);
  });
});
