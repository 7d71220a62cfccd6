import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import { createTerminalSurface } from "../../src/surfaces/terminal/terminal-surface.ts";
import {
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { briefOf, isSupervisorRequest, startTestRuntime, testConfig } from "../helpers/runtime-harness.ts";
import { waitUntil } from "../helpers/runtime-processes.ts";
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
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (chunk: Buffer) => {
      printed += chunk.toString();
    });
    const surface = createTerminalSurface({
      runtime,
      input,
      output,
      userId: "me",
      key: { surface: "terminal", conversationKey: "always-without-sandbox" },
    });
    const running = surface.run();
    input.write("run the tests\n");
    await waitUntil(() => printed.includes("→ /approve 1, /deny 1"), { message: () => printed });
    expect(printed).not.toContain("/always 1");

    input.write("/always 1\n");
    await waitUntil(() => printed.includes("→ /approve 2, /deny 2"), { message: () => printed });
    expect(printed).toContain(
      `"Always allow" is not offered for #1: approved this once; it asks again next time.`,
    );
    expect(printed).not.toContain("/always 2");
    expect(ran).toEqual(["npm test"]);

    input.write("/deny 2\n");
    await waitUntil(() => printed.includes("Done testing."), { message: () => printed });
    expect(ran).toEqual(["npm test"]);
    input.write("/quit\n");
    await running;
  });
});
