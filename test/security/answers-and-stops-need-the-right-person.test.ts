import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionIds, answerInput, viewIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { textResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import { briefOf, isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { channel, findButton } from "../slack/support/harness.ts";
import { clickAs } from "./support/click-as.ts";
import { type SlackWithRuntime, startSlackWithRuntime } from "./support/slack-with-runtime.ts";

const owner = "U0OWNER";
const stranger = "U0STRANGER";
const guest = "U0GUEST";
const foreignTeam = "T0EVIL";

describe("answers, modal submissions and Stop clicks from the wrong person", () => {
  let world: SlackWithRuntime;
  const threadTs = "1700800000.000100";

  beforeAll(async () => {
    world = await startSlackWithRuntime({
      respond: (request) => {
        if (isSupervisorRequest(request)) {
          if (request.turnIndex === 0) {
            return toolCallResponse([{ name: "spawn_agent", input: { title: "Asker", brief: "ask: it" } }]);
          }
          return textResponse("Noted.");
        }
        if (!briefOf(request).startsWith("ask")) return textResponse("?");
        if (request.turnIndex === 0) {
          return toolCallResponse([
            { name: "ask_user", input: { question: "Deploy to production?", choices: ["yes", "no"] } },
          ]);
        }
        return toolCallResponse([{ name: "finish", input: { summary: `ANSWERED ${request.lastUserText}` } }]);
      },
    });
    world.fake.addUser({ id: owner, name: "owner" });
    world.fake.addUser({ id: stranger, name: "stranger" });
    world.fake.addUser({ id: guest, name: "guest", teamId: foreignTeam });
  });
  afterAll(async () => {
    await world?.close();
  });

  const submitModal = (user: string, team: string, privateMetadata: string, answer: string) =>
    world.harness.interaction({
      type: "view_submission",
      user: { id: user, team_id: team },
      team: { id: world.fake.teamId },
      api_app_id: "A0APP",
      token: "verification-token",
      trigger_id: `trigger.${user}`,
      view: {
        id: `V${user}`,
        type: "modal",
        callback_id: viewIds.answerModal,
        private_metadata: privateMetadata,
        state: {
          values: {
            [answerInput.blockId]: { [answerInput.actionId]: { type: "plain_text_input", value: answer } },
          },
        },
      },
    });

  const click = (user: string, team: string, actionId: string, value: string, messageTs: string) =>
    clickAs(world, { user, team, actionId, value, messageTs, threadTs });

  it("refuses them all with a note, leaves the question and the agent alone, and the owner still answers", async () => {
    const { fake, harness } = world;
    await harness.event("EvAskOwner", {
      type: "app_mention",
      user: owner,
      team: fake.teamId,
      text: `<@${fake.botUserId}> ask me`,
      ts: threadTs,
      channel,
    });
    const question = await fake.waitFor(
      () => fake.threadMessages(channel, threadTs).find((message) => message.text.includes("asks:")),
      15_000,
    );
    const board = await fake.waitFor(() =>
      fake.threadMessages(channel, threadTs).find((message) => message.text.startsWith("Crew:")),
    );
    const stop = await fake.waitFor(() => findButton(board.blocks, actionIds.stopAgent));
    const session = await world.session(channel, threadTs);
    const pending = async () =>
      (await world.runtime.listPendingRequests(session?.id ?? "")).map((request) => request.status);

    // A stranger in our workspace opens the modal (anyone may look) and submits an answer.
    const open = findButton(question.blocks, actionIds.answerOpen);
    await click(stranger, fake.teamId, actionIds.answerOpen, open?.value ?? "", question.ts);
    const opened = await fake.waitFor(() => fake.callsTo("views.open")[0]);
    const metadata = String((opened.params.view as { private_metadata: string }).private_metadata);
    await submitModal(stranger, fake.teamId, metadata, "STRANGER-ANSWER yes, deploy");
    // A Slack Connect guest replays the same submission, then clicks a choice and Stop.
    await submitModal(guest, foreignTeam, metadata, "GUEST-ANSWER yes, deploy");
    const choice = findButton(question.blocks, actionIds.answerChoice);
    await click(guest, foreignTeam, choice?.action_id ?? "", choice?.value ?? "", question.ts);
    await click(guest, foreignTeam, stop.action_id, stop.value, board.ts);
    // The stranger clicks Stop and Stop all.
    await click(stranger, fake.teamId, stop.action_id, stop.value, board.ts);
    await click(stranger, fake.teamId, actionIds.stopAll, "all", board.ts);

    const strangerNotes = await fake.waitFor(() => {
      const notes = world.ephemeralsTo(stranger);
      return notes.length >= 3 ? notes : undefined;
    }, 10_000);
    expect(strangerNotes[0]).toContain("Only the person who started this session");
    for (const note of strangerNotes.slice(1)) expect(note).toContain("can stop its agents");
    const guestNotes = await fake.waitFor(() => {
      const notes = world.ephemeralsTo(guest);
      return notes.length >= 3 ? notes : undefined;
    }, 10_000);
    for (const note of guestNotes) expect(note).toContain("workspace that installed it");

    expect(await pending()).toEqual(["pending"]);
    const agents = await world.runtime.listAgents(session?.id ?? "");
    expect(agents.find((agent) => agent.role === "worker")?.status).toBe("waiting");
    expect(JSON.stringify(world.llm.requests.map((request) => request.messages))).not.toMatch(
      /STRANGER-ANSWER|GUEST-ANSWER/,
    );

    // The owner's own submission answers it, and the agent goes on with that answer.
    await submitModal(owner, fake.teamId, metadata, "OWNER-ANSWER no, staging first");
    await fake.waitFor(
      () =>
        world.llm.requests.some(
          (request) =>
            !isSupervisorRequest(request) && JSON.stringify(request.messages).includes("OWNER-ANSWER"),
        ),
      15_000,
    );
    expect(await pending()).toEqual([]);
  });
});
