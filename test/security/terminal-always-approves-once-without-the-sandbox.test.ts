import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import {
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { startPipedTerminal } from "../helpers/piped-terminal.ts";
import { briefOf, isSupervisorRequest, startTestRuntime, testConfig } from "../helpers/runtime-harness.ts";
import { recordingRunCommand } from "./support/approval-scenario.ts";

// At the terminal, `/always` is the "Always allow" button. With THREADWORK_SANDBOX=off it is
// not offered, and typed anyway it approves this one call: the same command asks again.
describe("terminal /always without the sandbox", () => {
  let handle: DatabaseHandle;
  let server: FakeLlmServer;
  let runtime: Runtime;
  const ran: string[] = [];

  beforeAll(async () => {
    handle = await createTestDatabase("postgres");
    server = await startFakeLlmServer();
    runtime = await startTestRuntime({
      handle,
      anthropicBaseUrl: server.anthropicBaseUrl,
      config: { ...testConfig(), approvals: loadConfig({ THREADWORK_SANDBOX: "off" }).approvals },
      workerTools: [recordingRunCommand(ran)],
    });
    server.respondWith((request) => {
      if (isSupervisorRequest(request)) {
        if (request.turnIndex === 0)
          return toolCallResponse([{ name: "spawn_agent", input: { title: "Tester", brief: "test twice" } }]);
        return textResponse(request.lastUserText.includes("finished") ? "Done testing." : "On it.");
      }
      if (briefOf(request) !== "test twice") return textResponse("?");
      if (request.turnIndex < 2)
        return toolCallResponse([{ name: "run_command", input: { command: "npm test" } }]);
      return toolCallResponse([{ name: "finish", input: { summary: "tested" } }]);
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    await handle?.close();
    await server?.close();
  });

  it("does not offer /always, and a typed /always approves once", async () => {
    const terminal = startPipedTerminal(runtime, "always-without-sandbox");
    terminal.type("run the tests");
    await terminal.shows("→ /approve 1, /deny 1");
    expect(terminal.printed()).not.toContain("/always 1");

    terminal.type("/always 1");
    await terminal.shows("→ /approve 2, /deny 2");
    expect(terminal.printed()).toContain(
      `"Always allow" is not offered for #1: approved this once; it asks again next time.`,
    );
    expect(terminal.printed()).not.toContain("/always 2");
    expect(ran).toEqual(["npm test"]);

    terminal.type("/deny 2");
    await terminal.shows("Done testing.");
    expect(ran).toEqual(["npm test"]);
    await terminal.quit();
  });
});
