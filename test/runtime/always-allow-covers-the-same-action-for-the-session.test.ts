import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool } from "../../src/domain/tool.ts";
import { textResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import { backends } from "../helpers/database.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { useTestRuntime } from "../helpers/test-runtime-per-describe.ts";
import { spawnWorkerForTask } from "./support/scripted-agents.ts";

describe.each(backends)("Always allow covers the same action for the session on %s", (backend) => {
  const deployed: string[] = [];
  const deployTool = defineTool({
    name: "deploy_preview",
    description: "Deploy to an environment.",
    input: z.object({ target: z.string() }),
    risk: "risky",
    async execute(input) {
      deployed.push(input.target);
      return `deployed to ${input.target}`;
    },
  });
  // The worker deploys to staging twice (one approval, then the rule), then to prod once (asks again).
  const targets = ["staging", "staging", "prod"];

  const world = useTestRuntime(backend, {
    workerTools: [deployTool],
    respond: (request) => {
      if (isSupervisorRequest(request)) {
        return spawnWorkerForTask(request) ?? textResponse("OK.");
      }
      const target = targets[request.turnIndex];
      if (target) return toolCallResponse([{ name: "deploy_preview", input: { target } }]);
      return toolCallResponse([{ name: "finish", input: { summary: "deployed what I was allowed to" } }]);
    },
  });

  it("applies Always allow to the same exact action for the rest of the session, and asks for another", async () => {
    const surface = createMemorySurface(world.runtime, { userId: "owner" });
    await surface.send("task: deploy");
    const first = await surface.waitFor((event) => event.type === "approval-requested");
    expect(first.request.pattern).toBe('{"target":"staging"}');
    expect((await surface.decide(first.request.id, "always_allow")).ok).toBe(true);
    const second = await surface.waitFor(
      (event) => event.type === "approval-requested" && event.request.id !== first.request.id,
    );
    expect(second.type === "approval-requested" && second.request.pattern).toBe('{"target":"prod"}');
    expect(deployed).toEqual(["staging", "staging"]);
    if (second.type === "approval-requested") await surface.decide(second.request.id, "deny");
    await surface.waitFor((event) => event.type === "agent-finished");
    expect(deployed).toEqual(["staging", "staging"]);
    // A decided request is never decided twice.
    expect(await surface.decide(first.request.id, "deny")).toMatchObject({
      ok: false,
      reason: "already_decided",
    });
    surface.close();
  });
});
