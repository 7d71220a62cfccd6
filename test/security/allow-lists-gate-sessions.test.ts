import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { textResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import { clickButton } from "../helpers/button-click.ts";
import { briefOf, isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { channel } from "../slack/support/harness.ts";
import { type SlackWithRuntime, startSlackWithRuntime } from "./support/slack-with-runtime.ts";

const listed = "U0LISTED";
const crewMember = "U0CREW";
const outsider = "U0OUTSIDER";
const otherChannel = "C0RANDOM";

describe("THREADWORK_ALLOWED_USERS, _USERGROUPS and _CHANNELS", () => {
  let world: SlackWithRuntime;
  let tsCounter = 0;
  const nextTs = () => `1700400000.${String(++tsCounter).padStart(6, "0")}`;
  const modelSaw = (text: string) =>
    world.llm.requests.some((request) => JSON.stringify(request.messages).includes(text));
  const mention = (eventId: string, user: string, text: string, ts: string, where = channel) =>
    world.harness.event(eventId, {
      type: "app_mention",
      user,
      team: world.fake.teamId,
      text: `<@${world.fake.botUserId}> ${text}`,
      ts,
      channel: where,
    });
  const answered = (where: string, ts: string) =>
    world.fake.waitFor(
      () => world.fake.threadMessages(where, ts).find((message) => message.text === "On it."),
      15_000,
    );

  beforeAll(async () => {
    world = await startSlackWithRuntime({
      slack: { access: { teams: [], users: [listed], usergroups: ["S0CREW"], channels: [channel] } },
      respond: (request) => {
        if (isSupervisorRequest(request)) {
          if (request.turnIndex === 0 && request.lastUserText.includes("ask me")) {
            return toolCallResponse([
              { name: "spawn_agent", input: { title: "Asker", brief: "ask: colour" } },
            ]);
          }
          return textResponse("On it.");
        }
        if (briefOf(request).startsWith("ask") && request.turnIndex === 0) {
          return toolCallResponse([
            { name: "ask_user", input: { question: "Which colour?", choices: ["red", "blue"] } },
          ]);
        }
        return toolCallResponse([
          { name: "finish", input: { summary: `Colour: ${request.lastToolResults[0]?.content}` } },
        ]);
      },
    });
    for (const id of [listed, crewMember, outsider]) world.fake.addUser({ id, name: id.toLowerCase() });
    world.fake.setUsergroup("S0CREW", [crewMember]);
  });
  afterAll(async () => {
    await world?.close();
  });

  it("refuses a user group's members while Slack will not list the group (missing_scope), then lets them in", async () => {
    world.fake.grantedScopes.delete("usergroups:read");
    const refusedTs = nextTs();
    await mention("EvNoScope", crewMember, "NO-SCOPE start", refusedTs);
    const note = await world.fake.waitFor(() => world.ephemeralsTo(crewMember)[0]);
    expect(note).toContain("not on the list of people who may use Threadwork");
    expect(note).not.toContain("S0CREW");
    expect(await world.session(channel, refusedTs)).toBeUndefined();
    expect(modelSaw("NO-SCOPE start")).toBe(false);

    world.fake.grantedScopes.add("usergroups:read");
    const ts = nextTs();
    await mention("EvCrew", crewMember, "crew start", ts);
    await answered(channel, ts);
    expect((await world.session(channel, ts))?.ownerId).toBe(crewMember);
  });

  it("lets a listed user start a session in a listed channel", async () => {
    const ts = nextTs();
    await mention("EvListed", listed, "listed start", ts);
    await answered(channel, ts);
    expect(world.ephemeralsTo(listed)).toEqual([]);
  });

  it("refuses a user on neither list, and their reply never reaches the session", async () => {
    const ts = nextTs();
    await mention("EvOutsider", outsider, "OUTSIDER start", ts);
    await world.fake.waitFor(() => world.ephemeralsTo(outsider).length === 1);
    expect(await world.session(channel, ts)).toBeUndefined();

    const threadTs = nextTs();
    await mention("EvListedThread", listed, "listed thread", threadTs);
    await answered(channel, threadTs);
    await world.harness.event("EvOutsiderReply", {
      type: "message",
      user: outsider,
      team: world.fake.teamId,
      text: "OUTSIDER-REPLY push to main",
      ts: nextTs(),
      thread_ts: threadTs,
      channel,
    });
    const notes = await world.fake.waitFor(() => {
      const found = world.ephemeralsTo(outsider);
      return found.length === 2 ? found : undefined;
    });
    expect(notes[1]).toContain("not on the list");
    expect(modelSaw("OUTSIDER")).toBe(false);
  });

  it("refuses to start a session outside the listed channels, DMs included", async () => {
    const ts = nextTs();
    await mention("EvElsewhere", listed, "ELSEWHERE start", ts, otherChannel);
    const dmTs = nextTs();
    await world.harness.event("EvListedDm", {
      type: "message",
      channel_type: "im",
      channel: "D0LISTED",
      user: listed,
      team: world.fake.teamId,
      text: "DM-ELSEWHERE start",
      ts: dmTs,
    });
    const notes = await world.fake.waitFor(() => {
      const found = world.ephemeralsTo(listed);
      return found.length === 2 ? found : undefined;
    });
    for (const note of notes) expect(note).toContain("not enabled in this channel");
    expect(await world.session(otherChannel, ts)).toBeUndefined();
    expect(await world.session("D0LISTED", dmTs)).toBeUndefined();
    expect(modelSaw("ELSEWHERE")).toBe(false);
  });

  it("lets only listed people answer an agent's question", async () => {
    const threadTs = nextTs();
    await mention("EvAsk", listed, "ask me something", threadTs);
    const question = await world.fake.waitFor(
      () =>
        world.fake
          .threadMessages(channel, threadTs)
          .find((message) => message.text.startsWith("Asker asks:")),
      15_000,
    );
    const click = (user: string) =>
      clickButton(world.harness, { user, message: question, prefix: actionIds.answerChoice, threadTs });
    const notesBefore = world.ephemeralsTo(outsider).length;
    await click(outsider);
    const note = await world.fake.waitFor(() => world.ephemeralsTo(outsider)[notesBefore]);
    expect(note).toContain("not on the list");
    const session = await world.session(channel, threadTs);
    expect(
      (await world.runtime.listPendingRequests(session?.id ?? "")).map((request) => request.kind),
    ).toEqual(["question"]);
    await click(listed);
    await world.fake.waitFor(
      () =>
        world.llm.requests.some((request) => request.lastUserText.includes("Colour: The user answered: red")),
      15_000,
    );
  });
});
