import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { planFor } from "../../src/domain/fan-out-plan.ts";
import type { RequestSnapshot } from "../../src/domain/requests.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import { parseTerminalLine } from "../../src/surfaces/terminal/terminal-commands.ts";
import { requestLine } from "../../src/surfaces/terminal/terminal-render.ts";
import {
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { startPipedTerminal } from "../helpers/piped-terminal.ts";
import { isSupervisorRequest, startTestRuntime, testConfig } from "../helpers/runtime-harness.ts";
import { scaled } from "../helpers/time-scale.ts";

describe("a plan at the terminal", () => {
  it("lists each worker with its estimate and names the three commands", () => {
    const plan = planFor(
      [1, 2, 3, 4].map((index) => ({
        toolCallId: `call_${index}`,
        title: `Part ${index}`,
        repo: index === 1 ? "app" : null,
        model: { provider: "anthropic", model: "claude-haiku-4-5" } as const,
        tier: "worker" as const,
      })),
      { workers: 3 },
    );
    const request = {
      id: "req_1",
      kind: "plan",
      prompt: "Start?",
      action: plan,
    } as unknown as RequestSnapshot;
    const text = requestLine(request, 2);
    expect(text).toContain("» #2 Plan: 4 workers, ~$1.07 (asked because: 4 workers, more than 3)");
    expect(text).toContain("1. Part 1 — app, anthropic:claude-haiku-4-5, ~$0.27");
    expect(text).toContain("4. Part 4 — no repository");
    expect(text).toContain("an estimate: 25 model turns per worker");
    expect(text).toContain("/plan 2 start, /plan 2 change <text> or /plan 2 cancel");
  });

  it("reads /plan <n> start | change <text> | cancel", () => {
    expect(parseTerminalLine("/plan 2 start")).toEqual({
      type: "plan",
      number: 2,
      decision: "start",
      text: "",
    });
    expect(parseTerminalLine("/plan #2 change only two, please")).toEqual({
      type: "plan",
      number: 2,
      decision: "change",
      text: "only two, please",
    });
    expect(parseTerminalLine("/plan 2 cancel")).toMatchObject({ type: "plan", decision: "cancel" });
    expect(parseTerminalLine("/plan 2 change")).toMatchObject({ type: "invalid" });
    expect(parseTerminalLine("/plan 2 go")).toMatchObject({ type: "invalid" });
  });
});

describe("a plan in the terminal chat", () => {
  let handle: DatabaseHandle;
  let server: FakeLlmServer;
  let runtime: Runtime;
  beforeAll(async () => {
    handle = await createTestDatabase("pglite");
    server = await startFakeLlmServer();
    server.respondWith((request) => {
      if (!isSupervisorRequest(request))
        return toolCallResponse([{ name: "finish", input: { summary: "ok" } }]);
      if (request.turnIndex > 0) return textResponse("Started them.");
      return toolCallResponse(
        [1, 2, 3, 4].map((index) => ({
          name: "spawn_agent",
          input: { title: `Part ${index}`, brief: "work" },
        })),
      );
    });
    runtime = await startTestRuntime({
      handle,
      anthropicBaseUrl: server.anthropicBaseUrl,
      config: testConfig({ planWorkersThreshold: 3 }),
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    await server?.close();
    await handle?.close();
  });

  it("waits for /plan <n> start before any worker starts", { timeout: scaled(30_000) }, async () => {
    const terminal = startPipedTerminal(runtime, "plan-test");
    terminal.type("split this into four parts");
    await terminal.shows("» #1 Plan: 4 workers");
    expect(terminal.printed()).not.toContain("Part 1 started");
    terminal.type("/plan 1 start");
    await terminal.shows("#1 approved by me");
    await terminal.shows("Part 4 started");
    await terminal.quit();
  });
});
