import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool } from "../../src/domain/tool.ts";
import { textResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import { collectingLogger } from "../helpers/collecting-logger.ts";
import { eventually } from "../helpers/eventually.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { sleep } from "../helpers/sleep.ts";
import { useTestRuntime } from "../helpers/test-runtime-per-describe.ts";
import { scaled } from "../helpers/time-scale.ts";
import { spawnWorkerForTask } from "../runtime/support/scripted-agents.ts";

type Line = Record<string, unknown>;

describe("lifecycle events are logged once, when they are true", () => {
  const { logger, lines: raw } = collectingLogger([], "production");
  const lines = (): Line[] => raw.map((line) => JSON.parse(line) as Line);
  const withEvent = (event: string) => lines().filter((line) => line.event === event);

  const deployTool = defineTool({
    name: "deploy_preview",
    description: "Deploy to an environment.",
    input: z.object({ target: z.string() }),
    risk: "risky",
    async execute(input) {
      return `deployed to ${input.target}`;
    },
  });

  const world = useTestRuntime("pglite", {
    logger,
    workerTools: [deployTool],
    respond: (request) => {
      if (isSupervisorRequest(request)) return spawnWorkerForTask(request) ?? textResponse("OK.");
      if (request.turnIndex === 0) {
        return toolCallResponse([{ name: "deploy_preview", input: { target: "staging" } }]);
      }
      return toolCallResponse([{ name: "finish", input: { summary: "deployed" } }]);
    },
  });

  it("logs a re-announced approval once, no idle session while a worker waits, and a stranger's refusal", async () => {
    const surface = createMemorySurface(world.runtime, { userId: "owner" });
    await surface.send("task: deploy");
    const asked = await surface.waitFor((event) => event.type === "approval-requested");
    const idleWhileWaiting = await surface.waitFor((event) => event.type === "session-idle");
    expect(idleWhileWaiting.sessionId).toBe(asked.sessionId);

    // A wake of the waiting worker resumes its step, which announces the same request again.
    const seen = surface.events.length;
    await world.runtime.wake(asked.request.agentId);
    await surface.waitFor(
      (event) => event.type === "approval-requested" && event.request.id === asked.request.id,
      { after: seen },
    );

    const refused = await surface.decide(asked.request.id, "approve", "stranger");
    expect(refused).toMatchObject({ ok: false, reason: "not_authorized" });
    await sleep(scaled(100));
    // Each property below is checked on its own, so one missing fix does not hide another.
    expect.soft(withEvent("decision-refused")[0]).toMatchObject({
      level: 30,
      sessionId: asked.sessionId,
      agentId: asked.request.agentId,
      thread: expect.stringContaining("memory:"),
      requestId: asked.request.id,
      kind: "approval",
      userId: "stranger",
      policy: "owner-or-approvers",
    });

    // The session is not idle while its worker waits on a person.
    expect.soft(withEvent("session-idle")).toEqual([]);

    expect((await surface.decide(asked.request.id, "approve")).ok).toBe(true);
    await surface.waitFor((event) => event.type === "agent-finished");
    await eventually(() => withEvent("session-idle").at(-1)?.sessionId === asked.sessionId);
    await sleep(scaled(200));
    const idle = withEvent("session-idle");
    expect.soft(idle).toHaveLength(1);
    expect
      .soft(idle[0])
      .toMatchObject({ sessionId: asked.sessionId, thread: expect.stringContaining("memory:") });

    const approvals = withEvent("approval-requested");
    expect.soft(approvals).toHaveLength(1);
    expect.soft(approvals[0]).toMatchObject({
      requestId: asked.request.id,
      sessionId: asked.sessionId,
      agentId: asked.request.agentId,
      thread: expect.stringContaining("memory:"),
    });
    surface.close();
  });
});

describe("a new workspace is logged with its thread", () => {
  const { logger, lines: raw } = collectingLogger([], "production");
  const lines = (): Line[] => raw.map((line) => JSON.parse(line) as Line);

  const world = useTestRuntime("pglite", {
    logger,
    workspaces: {
      async createWorkspace(request) {
        return {
          repoName: request.repo,
          root: `/nonexistent/${request.agentId}`,
          branch: `threadwork/${request.agentId}`,
          baseCommit: "0".repeat(40),
        };
      },
      async finalizeWorkspace(request) {
        return { branch: request.workspace.branch };
      },
    },
    repositories: { names: ["app"], defaultRepository: "app" },
    respond: (request) => {
      if (isSupervisorRequest(request)) return spawnWorkerForTask(request) ?? textResponse("OK.");
      return toolCallResponse([{ name: "finish", input: { summary: "done" } }]);
    },
  });

  it("names the session, the agent, the thread, the repository and the branch", async () => {
    const surface = createMemorySurface(world.runtime);
    await surface.send("task: look around");
    const finished = await surface.waitFor((event) => event.type === "agent-finished");
    const created = await eventually(() => lines().find((line) => line.msg === "workspace created"));
    expect(created).toMatchObject({
      level: 30,
      event: "workspace-created",
      sessionId: finished.sessionId,
      agentId: finished.type === "agent-finished" ? finished.agent.id : "",
      thread: expect.stringContaining("memory:"),
      repo: "app",
      branch: expect.stringContaining("threadwork/"),
    });
    surface.close();
  });
});
