import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { assembleRuntime } from "../../src/application/assemble-runtime.ts";
import { prepareModels } from "../../src/application/prepare-models.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import { renderCrewBoard } from "../../src/surfaces/slack/blocks/crew-board.ts";
import { renderResults } from "../../src/surfaces/slack/blocks/results.ts";
import {
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { isSupervisorRequest, testRuntimeOptions } from "../helpers/runtime-harness.ts";

/** Only OPENAI_BASE_URL, against a server that serves one model, as a fresh `ollama serve` would. */
describe("a local server's only model serves both roles", () => {
  let server: FakeLlmServer;
  let handle: DatabaseHandle;
  let runtime: Runtime;

  beforeAll(async () => {
    // Strict, as vLLM is: a request for any other model (gpt-6-sol-mini, say) gets a 404.
    server = await startFakeLlmServer({ models: { openai: ["qwen3-coder"] } });
    handle = await createTestDatabase("pglite");
    const logger = pino({ level: "silent" });
    const config = await prepareModels(loadConfig({ OPENAI_BASE_URL: server.openaiBaseUrl }, ["provider"]), {
      logger,
    });
    ({ runtime } = assembleRuntime({ config, database: handle, logger, runtimeOptions: testRuntimeOptions }));
    await runtime.start();
  });
  afterAll(async () => {
    await runtime?.stop();
    await handle?.close();
    await server?.close();
  });

  it("runs the supervisor and a sub-agent on it, and shows their cost as unpriced", async () => {
    server.respondWith((request) => {
      if (isSupervisorRequest(request)) {
        if (request.lastUserText.includes("finished")) return textResponse("The notes are written.");
        if (request.lastToolResults.some((result) => result.content.includes("agent_id"))) {
          return textResponse("Started.");
        }
        return toolCallResponse([{ name: "spawn_agent", input: { title: "Notes", brief: "write notes" } }]);
      }
      return toolCallResponse([{ name: "finish", input: { summary: "Wrote the notes." } }]);
    });
    const surface = createMemorySurface(runtime, { userId: "owner" });
    await surface.send("write the notes");
    await surface.waitFor((event) => event.type === "agent-finished");
    await surface.waitFor(
      (event) => event.type === "reply-completed" && event.text === "The notes are written.",
    );

    const models = new Set(server.requests.map((request) => request.model));
    expect(models).toEqual(new Set(["qwen3-coder"]));
    expect(server.requests.some(isSupervisorRequest)).toBe(true);
    expect(server.requests.some((request) => !isSupervisorRequest(request))).toBe(true);

    const sessionId = surface.sessionId() ?? "";
    const agents = await runtime.listAgents(sessionId);
    expect(agents.map((agent) => [agent.role, agent.model, agent.priced])).toEqual(
      expect.arrayContaining([
        ["supervisor", "openai:qwen3-coder", false],
        ["worker", "openai:qwen3-coder", false],
      ]),
    );
    const session = await runtime.getSession(sessionId);
    expect(session).toMatchObject({ costMicros: 0, priced: false });
    const board = renderCrewBoard(agents, { now: new Date(), style: "sections" });
    expect(board.text).toContain("· unpriced");
    expect(JSON.stringify(board.blocks)).not.toContain("$0.0000");
    const results = renderResults(agents, session?.costMicros ?? 0, session?.priced);
    expect(results.text).toContain("session cost unpriced");
    surface.close();
  });
});
