import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import type { FakeMessage } from "../fakes/fake-slack-server.ts";
import { createGate, type Gate } from "../helpers/runtime-gate.ts";
import { briefOf, isSupervisorRequest, testConfig } from "../helpers/runtime-harness.ts";
import { waitUntil } from "../helpers/runtime-processes.ts";
import { channel } from "../slack/support/harness.ts";
import { type SlackWithRuntime, startSlackWithRuntime } from "./support/slack-with-runtime.ts";

const attacker = "U0OWNER";
const otherUser = "U0OTHER";
const attackerThread = "1700700000.000100";
const otherThread = "1700700000.000200";

// The attacker mentions the bot and its model asks for 40 sub-agents in one turn. The
// session may have 6 live ones and the deployment runs 3 workers at once. Another user's
// session, started in another thread, must get the next free slot.
describe("a Slack session asking for 40 agents", () => {
  let world: SlackWithRuntime;
  const gates = new Map<string, Gate>();
  const gate = (title: string): Gate => {
    const existing = gates.get(title) ?? createGate();
    gates.set(title, existing);
    return existing;
  };
  const started: string[] = [];

  beforeAll(async () => {
    world = await startSlackWithRuntime({
      config: testConfig({ maxAgentsPerSession: 6, maxConcurrentAgents: 3 }),
      beforeStart: (runtime) =>
        runtime.subscribe((event) => {
          if (event.type === "agent-started") started.push(event.agent.title);
        }),
      respond: async (request) => {
        if (isSupervisorRequest(request)) {
          if (request.lastUserText.includes("finished")) return textResponse("Noted.");
          if (request.turnIndex > 0) {
            const refused = request.lastToolResults.filter((result) => result.isError).length;
            return textResponse(`Started what I could; ${refused} refused.`);
          }
          const [label, count] = request.lastUserText.includes("forty") ? ["A", 40] : ["B", 1];
          return toolCallResponse(
            Array.from({ length: count }, (_, index) => ({
              name: "spawn_agent",
              input: { title: `${label} ${index}`, brief: `held ${label} ${index}` },
            })),
          );
        }
        const title = briefOf(request).replace("held ", "");
        await gate(title).wait();
        return toolCallResponse([{ name: "finish", input: { summary: `${title} finished` } }]);
      },
    });
    world.fake.addUser({ id: attacker, name: "attacker" });
    world.fake.addUser({ id: otherUser, name: "other" });
  });
  afterAll(async () => {
    for (const each of gates.values()) each.open();
    await world?.close();
  });

  const posted = (threadTs: string, prefix: string): FakeMessage | undefined =>
    world.fake.latestThreadMessage(channel, threadTs, prefix);
  const workers = async (threadTs: string) => {
    const session = await world.session(channel, threadTs);
    if (!session) return [];
    return (await world.runtime.listAgents(session.id)).filter((agent) => agent.role === "worker");
  };
  const mention = (eventId: string, user: string, threadTs: string, text: string) =>
    world.harness.event(eventId, {
      type: "app_mention",
      user,
      team: world.fake.teamId,
      text: `<@${world.fake.botUserId}> ${text}`,
      ts: threadTs,
      channel,
    });

  it("creates exactly the maximum, tells the model 34 times, and serves the other session first", async () => {
    const { fake, llm } = world;
    expect(await mention("EvForty", attacker, attackerThread, "spawn forty helpers")).toBe(200);
    // The supervisor's reply, streamed into the thread, reports what the model was told.
    await fake.waitFor(() => posted(attackerThread, "Started what I could; 34 refused."), 15_000);

    const attackerWorkers = await workers(attackerThread);
    expect(attackerWorkers.map((agent) => agent.title).sort()).toEqual([
      "A 0",
      "A 1",
      "A 2",
      "A 3",
      "A 4",
      "A 5",
    ]);
    const results = llm.requests
      .filter((request) => isSupervisorRequest(request) && request.turnIndex === 1)
      .flatMap((request) => request.lastToolResults);
    expect(results).toHaveLength(40);
    const refusals = results.filter((result) => result.isError);
    expect(refusals).toHaveLength(34);
    for (const refusal of refusals) {
      expect(refusal.content).toContain(
        "This session already has 6 sub-agents running or queued, the maximum (6); wait for one to finish or cancel one.",
      );
    }

    // The crew board in the attacker's thread: six agents, three running, three queued.
    await waitUntil(async () => started.length === 3);
    const board = await fake.waitFor(() => posted(attackerThread, "Crew: 6 agents, 6 active"), 15_000);
    await fake.waitFor(() => board.text.split(": running").length - 1 === 3, 15_000);
    expect(board.text.split(": queued").length - 1).toBe(3);
    expect(board.text).not.toMatch(/A (?:[6-9]|[1-3]\d)\b/);
    expect(
      fake.threadMessages(channel, attackerThread).filter((message) => message.text.startsWith("Crew:")),
    ).toHaveLength(1);

    // Another user's session in another thread: its one worker waits for a slot.
    expect(await mention("EvOne", otherUser, otherThread, "spawn one helper")).toBe(200);
    await fake.waitFor(() => posted(otherThread, "Started what I could; 0 refused."), 15_000);
    const otherBoard = await fake.waitFor(() => posted(otherThread, "Crew: 1 agent, 1 active"), 15_000);
    await fake.waitFor(() => otherBoard.text.includes("B 0: queued"), 15_000);
    expect((await workers(otherThread)).map((agent) => agent.status)).toEqual(["queued"]);

    // One of the attacker's running workers ends: the free slot goes to the other session,
    // ahead of the attacker's three queued workers that were queued before it.
    gate(started[0] ?? "").open();
    await waitUntil(async () => started.length === 4);
    expect(started[3]).toBe("B 0");
    await fake.waitFor(() => otherBoard.text.includes("B 0: running"), 15_000);
    expect(board.text.split(": queued").length - 1).toBe(3);

    // The legitimate path: everyone finishes, and the boards say so.
    for (const name of ["A 0", "A 1", "A 2", "A 3", "A 4", "A 5", "B 0"]) gate(name).open();
    await fake.waitFor(() => board.text.startsWith("Crew: 6 agents, 0 active"), 15_000);
    await fake.waitFor(() => otherBoard.text.startsWith("Crew: 1 agent, 0 active"), 15_000);
    expect(board.text.split(": done").length - 1).toBe(6);
    expect(started).toHaveLength(7);
  });
});
