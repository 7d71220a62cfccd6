import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import { eventually } from "../helpers/eventually.ts";
import { createGate } from "../helpers/runtime-gate.ts";
import { isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { channel } from "../slack/support/harness.ts";
import { type SlackWithRuntime, startSlackWithRuntime } from "./support/slack-with-runtime.ts";

const owner = "U0OWNER";

const stranger = "U0STRANGER";
const guest = "U0GUEST";

describe("Slack's Stop button on a real runtime", () => {
  let world: SlackWithRuntime;
  const workers = createGate();
  const threadTs = "1700900000.000100";

  beforeAll(async () => {
    world = await startSlackWithRuntime({
      respond: async (request) => {
        if (!isSupervisorRequest(request)) {
          // Workers stay busy until the test lets them go.
          await workers.wait();
          return textResponse("finished");
        }
        if (request.turnIndex === 0) {
          return toolCallResponse([
            { name: "spawn_agent", input: { title: "Backend", brief: "change the API" } },
            { name: "spawn_agent", input: { title: "Frontend", brief: "change the UI" } },
          ]);
        }
        return textResponse("Noted.");
      },
    });
    world.fake.agentSessions.enable();
    world.fake.addUser({ id: owner, name: "owner" });
    world.fake.addUser({ id: stranger, name: "stranger" });
    world.fake.addUser({ id: guest, name: "guest", teamId: "T0ELSEWHERE" });
  });
  afterAll(async () => {
    workers.open();
    await world?.close();
  });

  it("stops nothing for a stranger or a guest, and every agent for the owner", async () => {
    const { fake, harness, runtime } = world;
    await harness.event("EvStart", {
      type: "app_mention",
      user: owner,
      team: fake.teamId,
      text: `<@${fake.botUserId}> change the API and the UI`,
      ts: threadTs,
      channel,
    });
    const sessionId = (await eventually(async () => (await world.session(channel, threadTs))?.id)) ?? "";
    const workerStatuses = async () =>
      (await runtime.listAgents(sessionId))
        .filter((agent) => agent.role === "worker")
        .map((agent) => agent.status);
    await eventually(async () => {
      const statuses = await workerStatuses();
      return statuses.length === 2 && statuses.every((status) => status === "running");
    });
    await fake.waitFor(() => fake.agentSessions.statusOf(channel, threadTs) === "processing");

    for (const [user, eventId] of [
      [stranger, "EvStopStranger"],
      [guest, "EvStopGuest"],
    ] as const) {
      const event = fake.agentSessions.pressStop({ channel, threadTs, user });
      await harness.event(eventId, event as unknown as Record<string, unknown>);
      await fake.waitFor(() => world.ephemeralsTo(user).length === 1, 10_000);
    }
    expect(world.ephemeralsTo(stranger)[0]).toContain("work goes on");
    expect(world.ephemeralsTo(guest)[0]).toContain("workspace that installed it");
    expect(await workerStatuses()).toEqual(["running", "running"]);
    expect((await runtime.getSession(sessionId))?.status).toBe("active");
    expect(fake.agentSessions.statusOf(channel, threadTs)).toBe("processing");

    const event = fake.agentSessions.pressStop({ channel, threadTs, user: owner });
    await harness.event("EvStopOwner", event as unknown as Record<string, unknown>);
    await eventually(async () => (await workerStatuses()).every((status) => status === "cancelled"));
    expect((await runtime.getSession(sessionId))?.status).toBe("closed");
    await fake.waitFor(
      () => fake.threadMessages(channel, threadTs).find((message) => message.text.includes("Stopped by")),
      10_000,
    );
    // The supervisor hears of the cancelled agents, answers, rests: the session shows done.
    await fake.waitFor(() => fake.agentSessions.statusOf(channel, threadTs) === "closed", 15_000);
  });
});
