import { describe, expect, it } from "vitest";
import { textResponse } from "../fakes/fake-llm-server.ts";
import { backends } from "../helpers/database.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { isSupervisorRequest, startTestRuntime } from "../helpers/runtime-harness.ts";
import { waitUntil } from "../helpers/runtime-processes.ts";
import { useTestRuntime } from "../helpers/test-runtime-per-describe.ts";
import { askThenFinish, spawnWorkerForTask } from "./support/scripted-agents.ts";

describe.each(backends)("a pending question is re-announced after a restart on %s", (backend) => {
  const world = useTestRuntime(backend, {
    respond: (request) => {
      if (isSupervisorRequest(request)) {
        return spawnWorkerForTask(request) ?? textResponse("OK.");
      }
      return askThenFinish(request);
    },
  });

  it("re-announces a pending question after a restart, and the new instance resumes on the answer", async () => {
    const surface = createMemorySurface(world.runtime);
    await surface.send("task: slow question");
    const asked = await surface.waitFor((event) => event.type === "question-asked");
    surface.close();
    await world.runtime.stop();

    const announced: string[] = [];
    const restarted = await startTestRuntime({
      handle: world.handle,
      anthropicBaseUrl: world.server.anthropicBaseUrl,
      instanceId: "restarted",
      beforeStart: (fresh) => {
        fresh.subscribe((event) => {
          if (event.type === "question-asked") announced.push(event.request.id);
        });
      },
    });
    world.runtime = restarted;
    expect(announced).toContain(asked.request.id);
    // Only the owner ("user-1", the memory surface's default) or an approver may answer.
    const bystander = await restarted.handle({
      type: "answer",
      requestId: asked.request.id,
      userId: "someone",
      answer: "yes",
    });
    expect(bystander).toMatchObject({ type: "decision", outcome: { ok: false, reason: "not_authorized" } });
    const outcome = await restarted.handle({
      type: "answer",
      requestId: asked.request.id,
      userId: "user-1",
      answer: "yes",
    });
    expect(outcome).toMatchObject({ type: "decision", outcome: { ok: true } });
    await waitUntil(async () =>
      (await restarted.listAgents(asked.sessionId)).every(
        (agent) => agent.role === "supervisor" || agent.status === "done",
      ),
    );
  });

  it("gives what it announced before any surface attached to the first surface that attaches", async () => {
    const surface = createMemorySurface(world.runtime, {
      key: { surface: "memory", conversationKey: "attached-late" },
    });
    await surface.send("task: slow question");
    const asked = await surface.waitFor((event) => event.type === "question-asked");
    surface.close();
    await world.runtime.stop();

    // Started with no surface: its re-announcement is held, not dropped.
    const restarted = await startTestRuntime({
      handle: world.handle,
      anthropicBaseUrl: world.server.anthropicBaseUrl,
      instanceId: "restarted-alone",
    });
    world.runtime = restarted;
    const first: string[] = [];
    const second: string[] = [];
    restarted.subscribe((event) => {
      if (event.type === "question-asked") first.push(event.request.id);
    });
    restarted.subscribe((event) => {
      if (event.type === "question-asked") second.push(event.request.id);
    });
    expect(first).toContain(asked.request.id);
    // Held events go to the first surface only: a second one joining later sees what comes next.
    expect(second).toEqual([]);
  });
});
