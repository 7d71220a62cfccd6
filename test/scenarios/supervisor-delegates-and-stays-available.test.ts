import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { toolCalls } from "../../src/adapters/database/schema.ts";
import { defineTool } from "../../src/domain/tool.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import {
  type FakeLlmRequest,
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { createGate } from "../helpers/runtime-gate.ts";
import { briefOf, isSupervisorRequest, startTestRuntime } from "../helpers/runtime-harness.ts";

const allText = (request: FakeLlmRequest) => request.messages.map((message) => message.text).join("\n");

describe.each(backends)("supervisor delegates and stays available on %s", (backend) => {
  let handle: DatabaseHandle;
  let server: FakeLlmServer;
  let runtime: Runtime;
  const deployments: string[] = [];
  const deployTool = defineTool({
    name: "deploy_preview",
    description: "Deploy the current branch to an environment.",
    input: z.object({ target: z.string() }),
    risk: "risky",
    describe: (input) => `deploy the branch to ${input.target}`,
    async execute(input) {
      deployments.push(input.target);
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
  });
  afterAll(async () => {
    await runtime?.stop();
    await handle?.close();
    await server?.close();
  });

  it("fans out, answers while workers run, resumes on an answer, adapts to a denial, sums up", async () => {
    const researchGate = createGate();
    const deployGate = createGate();
    server.respondWith(async (request) => {
      if (isSupervisorRequest(request)) {
        const text = allText(request);
        const finished = text.split("finished. Summary").length - 1;
        if (finished === 2 && request.lastUserText.includes("finished")) {
          const summaries = request.messages
            .flatMap((message) => message.text.split("\n"))
            .filter((line) => line.startsWith("Chose") || line.startsWith("Deploy"));
          return textResponse(`Summary: ${summaries.join(" | ")}`);
        }
        if (request.lastToolResults.some((result) => result.content.includes("agent_id"))) {
          return textResponse("Started two agents.");
        }
        if (request.lastUserText.includes("how is it going")) return textResponse("Both agents are working.");
        if (request.lastUserText.includes("build")) {
          return toolCallResponse([
            { name: "spawn_agent", input: { title: "Researcher", brief: "research: pick a database" } },
            { name: "spawn_agent", input: { title: "Deployer", brief: "deploy: ship a preview" } },
          ]);
        }
        return textResponse("Noted.");
      }
      const brief = briefOf(request);
      if (brief.startsWith("research")) {
        if (request.turnIndex === 0) {
          await researchGate.wait();
          return toolCallResponse([
            { name: "ask_user", input: { question: "Which database?", choices: ["postgres", "sqlite"] } },
          ]);
        }
        const answer = request.lastToolResults[0]?.content ?? "";
        return toolCallResponse([
          { name: "finish", input: { summary: `Chose ${answer.replace("The user answered: ", "")}` } },
        ]);
      }
      if (request.turnIndex === 0) {
        await deployGate.wait();
        return toolCallResponse([{ name: "deploy_preview", input: { target: "prod" } }]);
      }
      const result = request.lastToolResults[0];
      if (result?.isError && result.content.startsWith("Denied")) {
        return toolCallResponse([
          { name: "finish", input: { summary: "Deploy was denied; I wrote a rollout plan instead." } },
        ]);
      }
      return toolCallResponse([{ name: "finish", input: { summary: "Deployed." } }]);
    });

    const surface = createMemorySurface(runtime, { userId: "owner" });
    await surface.send("build A and B");
    await surface.waitFor(
      (event) => event.type === "reply-completed" && event.text === "Started two agents.",
    );
    const sessionId = surface.sessionId() ?? "";
    // The workers start on their own runners, so their starts may come just after that reply.
    for (const title of ["Researcher", "Deployer"]) {
      await surface.waitFor((event) => event.type === "agent-started" && event.agent.title === title);
    }
    expect(surface.events.filter((event) => event.type === "agent-started")).toHaveLength(2);

    // 2. The user asks again while both workers are held mid-turn, and gets an answer first.
    await surface.send("how is it going?");
    await surface.waitFor(
      (event) => event.type === "reply-completed" && event.text === "Both agents are working.",
    );
    const workersMeanwhile = (await runtime.listAgents(sessionId)).filter((agent) => agent.role === "worker");
    expect(workersMeanwhile.map((agent) => agent.status)).toEqual(["running", "running"]);
    expect(surface.events.some((event) => event.type === "agent-finished")).toBe(false);

    // 3. The researcher asks; the answer resumes it.
    researchGate.open();
    const question = await surface.waitFor((event) => event.type === "question-asked");
    expect(question.request.prompt).toBe("Which database?");
    expect(question.request.choices).toEqual(["postgres", "sqlite"]);
    // Only the owner (or an approver) answers: an answer steers the agent like an approval.
    expect(await surface.answer(question.request.id, "sqlite", "teammate")).toMatchObject({
      ok: false,
      reason: "not_authorized",
    });
    expect((await surface.answer(question.request.id, "postgres", "owner")).ok).toBe(true);
    expect((await surface.answer(question.request.id, "sqlite", "owner")).ok).toBe(false);

    // 4. The deployer wants a risky action; a stranger may not decide, the owner denies.
    deployGate.open();
    const approval = await surface.waitFor((event) => event.type === "approval-requested");
    expect(approval.request.action).toMatchObject({ tool: "deploy_preview", input: { target: "prod" } });
    expect(await surface.decide(approval.request.id, "approve", "stranger")).toMatchObject({
      ok: false,
      reason: "not_authorized",
    });
    expect((await surface.decide(approval.request.id, "deny", "owner")).ok).toBe(true);

    // 5. Both finish and the supervisor sums up.
    const summary = await surface.waitFor(
      (event) => event.type === "reply-completed" && event.text.startsWith("Summary:"),
    );
    if (summary.type !== "reply-completed") throw new Error("unreachable");
    expect(summary.text).toContain("Chose postgres");
    expect(summary.text).toContain("Deploy was denied");
    expect(deployments).toEqual([]);

    const afterDenial = server.requests.find(
      (request) => briefOf(request).startsWith("deploy") && request.turnIndex === 1,
    );
    expect(afterDenial?.lastToolResults[0]).toMatchObject({ isError: true });
    expect(afterDenial?.lastToolResults[0]?.content).toContain("Denied by owner");

    // Prompt caching: supervisors and agents with people in the loop keep a one-hour cache.
    const ttlOf = (request: (typeof server.requests)[number]) =>
      JSON.stringify(request.body).includes('"ttl":"1h"') ? "long" : "short";
    const researcher = server.requests.filter((request) => briefOf(request).startsWith("research"));
    expect(researcher.map(ttlOf)).toEqual(["short", "long"]);
    expect(server.requests.filter(isSupervisorRequest).every((request) => ttlOf(request) === "long")).toBe(
      true,
    );

    const agents = await runtime.listAgents(sessionId);
    expect(agents.map((agent) => [agent.title, agent.status])).toEqual([
      ["Supervisor", expect.stringMatching(/running|idle/)],
      ["Researcher", "done"],
      ["Deployer", "done"],
    ]);
    const deployAudit = await handle.db
      .select()
      .from(toolCalls)
      .where(and(eq(toolCalls.sessionId, sessionId), eq(toolCalls.toolName, "deploy_preview")));
    expect(deployAudit.map((row) => row.status)).toEqual(["denied"]);
    const decided = await runtime.getRequest(approval.request.id);
    expect(decided).toMatchObject({ status: "denied", decidedBy: "owner" });
    expect(decided?.decidedAt).toBeInstanceOf(Date);
    surface.close();
  });
});
