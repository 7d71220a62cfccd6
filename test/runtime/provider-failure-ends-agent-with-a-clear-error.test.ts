import { describe, expect, it } from "vitest";
import { errorResponse, textResponse } from "../fakes/fake-llm-server.ts";
import { backends } from "../helpers/database.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { useTestRuntime } from "../helpers/test-runtime-per-describe.ts";
import { spawnWorkerForTask } from "./support/scripted-agents.ts";

describe.each(backends)("a provider failure ends the agent with a clear error on %s", (backend) => {
  const world = useTestRuntime(backend, {
    // The supervisor spawns a worker for "task: …" and relays its failure; the worker's provider is down.
    respond: (request) => {
      if (!isSupervisorRequest(request)) return errorResponse(529);
      // After a failure the next message joins the failed one in the same user turn.
      if (request.lastUserText.includes("hello again")) return textResponse("OK.");
      if (request.lastUserText.includes("break the supervisor")) {
        return errorResponse(400, { message: "bad request" });
      }
      const spawn = spawnWorkerForTask(request);
      if (spawn) return spawn;
      const failure = /failed: (.*)/.exec(request.lastUserText);
      if (failure) return textResponse(`The worker failed: ${failure[1]}`);
      return textResponse("OK.");
    },
  });

  it("fails a worker after the provider's retries and tells the supervisor and the user", async () => {
    const surface = createMemorySurface(world.runtime);
    await surface.send("task: survive an outage");
    const failed = await surface.waitFor((event) => event.type === "agent-failed");
    expect(failed.reason).toMatch(/529|overload/i);
    expect(failed.agent.status).toBe("failed");
    const reply = await surface.waitFor(
      (event) => event.type === "reply-completed" && event.text.startsWith("The worker failed"),
    );
    expect(reply.type === "reply-completed" && reply.text).toContain(failed.reason.slice(0, 20));
    surface.close();
  });

  it("tells the user when the supervisor itself fails, and recovers on the next message", async () => {
    const surface = createMemorySurface(world.runtime);
    await surface.send("break the supervisor");
    const failed = await surface.waitFor((event) => event.type === "agent-failed");
    expect(failed.agent.role).toBe("supervisor");
    const told = await surface.waitFor((event) => event.type === "turn-failed");
    expect(told).toMatchObject({ agentId: failed.agent.id, retryable: true, reason: failed.reason });
    await surface.send("hello again");
    await surface.waitFor((event) => event.type === "reply-completed" && event.text === "OK.");
    surface.close();
  });
});
