import { describe, expect, it } from "vitest";
import { pendingEventsFor } from "../../src/adapters/database/events.ts";
import { textResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import { backends } from "../helpers/database.ts";
import { eventually } from "../helpers/eventually.ts";
import { isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { useTestRuntime } from "../helpers/test-runtime-per-describe.ts";

describe.each(backends)("a steer racing a worker's end on %s", (backend) => {
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const workerCalls: string[] = [];
  const world = useTestRuntime(backend, {
    respond: (request) => {
      if (isSupervisorRequest(request)) {
        if (request.turnIndex === 0)
          return toolCallResponse([{ name: "spawn_agent", input: { title: "Racer", brief: "race" } }]);
        if (request.lastUserText.includes("which had already finished")) return textResponse("Passed on.");
        return textResponse("On it.");
      }
      workerCalls.push(JSON.stringify(request.messages));
      return held.then(() => toolCallResponse([{ name: "finish", input: { summary: "raced" } }]));
    },
  });

  it("goes to the supervisor when the worker finishes in the turn that was running", async () => {
    const accepted = await world.runtime.handle({
      type: "user-message",
      key: { surface: "terminal", conversationKey: `race-${backend}` },
      userId: "me",
      text: "run the race",
    });
    const sessionId = accepted.type === "message-accepted" ? accepted.sessionId : "";
    await eventually(() => workerCalls.length === 1);
    const worker = (await world.runtime.listAgents(sessionId)).find((agent) => agent.role === "worker");
    const outcome = await world.runtime.handle({
      type: "steer",
      sessionId,
      agentId: worker?.id ?? "",
      userId: "me",
      text: "also update the changelog",
    });
    expect(outcome).toMatchObject({ type: "steer", result: { kind: "delivered", agentTitle: "Racer" } });
    release();

    const told = await eventually(() =>
      world.server.requests.find(
        (request) =>
          isSupervisorRequest(request) &&
          request.lastUserText.includes("which had already finished") &&
          request.lastUserText.includes("also update the changelog"),
      ),
    );
    expect(told.lastUserText).toContain('agent "Racer"');
    expect(workerCalls).toHaveLength(1);
    expect(await pendingEventsFor(world.handle.db, worker?.id ?? "")).toEqual([]);
  });
});
