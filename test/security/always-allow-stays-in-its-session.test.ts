import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { defineTool } from "../../src/domain/tool.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import {
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { briefOf, isSupervisorRequest, startTestRuntime } from "../helpers/runtime-harness.ts";

// Session A's owner clicks "Always allow" on a deploy. Session B (another user's) asks for the
// very same deploy: the rule must not carry over, and A's owner must not decide B's request.
describe.each(backends)("Always allow stays in its session on %s", (backend) => {
  let handle: DatabaseHandle;
  let server: FakeLlmServer;
  let runtime: Runtime;
  const deployed: string[] = [];
  const deployTool = defineTool({
    name: "deploy_preview",
    description: "Deploy to an environment.",
    input: z.object({ target: z.string() }),
    risk: "risky",
    async execute(input, context) {
      deployed.push(`${context.sessionId}:${input.target}`);
      return `deployed to ${input.target}`;
    },
  });

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
    server = await startFakeLlmServer();
    runtime = await startTestRuntime({
      handle,
      anthropicBaseUrl: server.anthropicBaseUrl,
      workerTools: [deployTool],
    });
    server.respondWith(async (request) => {
      if (isSupervisorRequest(request)) {
        if (request.turnIndex === 0) {
          return toolCallResponse([
            { name: "spawn_agent", input: { title: "Deployer", brief: "deploy twice" } },
          ]);
        }
        return textResponse("OK.");
      }
      if (briefOf(request) !== "deploy twice") return textResponse("?");
      if (request.turnIndex < 2)
        return toolCallResponse([{ name: "deploy_preview", input: { target: "staging" } }]);
      return toolCallResponse([{ name: "finish", input: { summary: "deployed" } }]);
    });
    await runtime.start();
  });
  afterAll(async () => {
    await runtime?.stop();
    await server?.close();
    await handle?.close();
  });

  it("asks session B again for the action session A always allows, and only B's owner decides it", async () => {
    const first = createMemorySurface(runtime, { userId: "owner-a" });
    await first.send("deploy it");
    const asked = await first.waitFor((event) => event.type === "approval-requested");
    expect((await first.decide(asked.request.id, "always_allow")).ok).toBe(true);
    await first.waitFor((event) => event.type === "agent-finished");
    const sessionA = first.sessionId() ?? "";
    expect(deployed).toEqual([`${sessionA}:staging`, `${sessionA}:staging`]);

    const second = createMemorySurface(runtime, { userId: "owner-b" });
    await second.send("deploy it");
    const askedAgain = await second.waitFor((event) => event.type === "approval-requested");
    const sessionB = second.sessionId() ?? "";
    expect(askedAgain.request.pattern).toBe(asked.request.pattern);
    expect(deployed).toEqual([`${sessionA}:staging`, `${sessionA}:staging`]);

    // A's owner reaches B's request by its id: refused, and B's deploy still waits.
    expect(await first.decide(askedAgain.request.id, "always_allow", "owner-a")).toMatchObject({
      ok: false,
      reason: "not_authorized",
    });
    expect((await runtime.listPendingRequests(sessionB)).map((request) => request.id)).toEqual([
      askedAgain.request.id,
    ]);
    expect(deployed).toHaveLength(2);

    // The legitimate path: B's owner approves once; B's second deploy asks again.
    expect((await second.decide(askedAgain.request.id, "approve")).ok).toBe(true);
    const third = await second.waitFor(
      (event) => event.type === "approval-requested" && event.request.id !== askedAgain.request.id,
    );
    expect(deployed).toEqual([`${sessionA}:staging`, `${sessionA}:staging`, `${sessionB}:staging`]);
    if (third.type !== "approval-requested") throw new Error("expected an approval request");
    expect((await second.decide(third.request.id, "deny")).ok).toBe(true);
    await second.waitFor((event) => event.type === "agent-finished");
    expect(deployed).toHaveLength(3);
    first.close();
    second.close();
  });
});
