import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { textResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import { descendantsRunning, everythingScript } from "../helpers/mcp-servers.ts";
import { briefOf, isSupervisorRequest } from "../helpers/runtime-harness.ts";
import {
  scenarioEnvironment,
  stopRuntimeProcess,
  useProcessScenario,
  waitUntil,
} from "../helpers/runtime-processes.ts";
import { startRuntimeWithStandby } from "../helpers/runtime-with-standby.ts";
import { spawnWorkerForTask } from "../runtime/support/scripted-agents.ts";

// Two processes on one database only make sense on Postgres.
describe("an MCP call cut by a crash (postgres)", () => {
  const scenario = useProcessScenario({ latencyMs: 0, name: "mcp-crash" });

  it("is reported to the model as interrupted after the restart, and never run again", async () => {
    const workerRequests = () =>
      scenario.server.requests.filter(
        (request) => !isSupervisorRequest(request) && briefOf(request).includes("task:"),
      );
    scenario.server.respondWith((request) => {
      if (isSupervisorRequest(request)) return spawnWorkerForTask(request) ?? textResponse("OK.");
      if (request.turnIndex === 0) {
        return toolCallResponse([
          {
            id: "call_long",
            name: "everything__trigger-long-running-operation",
            input: { duration: 120, steps: 120 },
          },
        ]);
      }
      return toolCallResponse([{ name: "finish", input: { summary: "checked" } }]);
    });
    const environment = {
      ...scenarioEnvironment(scenario),
      MCP_DATA_DIR: scenario.directory,
    };
    const { first, second } = await startRuntimeWithStandby(
      scenario,
      environment,
      {
        INSTANCE_ID: "first",
        SEED_COUNT: "1",
        SEED_TEXT: "task: a long MCP operation",
      },
      "second",
    );

    // The call is under way: its audit row says `started` and its server runs under the first process.
    await waitUntil(
      async () => {
        const rows = (await scenario.handle.db.execute(
          sql`select status from tool_calls where tool_call_id = 'call_long'`,
        )) as unknown as { rows: { status: string }[] };
        return rows.rows[0]?.status === "started";
      },
      { message: first.errors },
    );
    const servers = descendantsRunning(first.child.pid ?? 0, "node", everythingScript);
    expect(servers.length).toBeGreaterThan(0);
    first.child.kill("SIGKILL");
    await first.exited;
    // Its servers lost their parent; they must not outlive the test.
    for (const pid of servers) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone with the process.
      }
    }

    second.go();
    await waitUntil(() => workerRequests().length >= 2, { message: second.errors });
    const resumed = workerRequests()[1]?.lastToolResults[0];
    expect(resumed).toMatchObject({ toolCallId: "call_long", isError: true });
    expect(resumed?.content).toMatch(/interrupted by a restart/);
    const rows = (await scenario.handle.db.execute(
      sql`select status from tool_calls where tool_call_id = 'call_long'`,
    )) as unknown as { rows: { status: string }[] };
    expect(rows.rows).toEqual([{ status: "interrupted" }]);
    // Not run again: the second process never started the server (its listing was stored).
    expect(descendantsRunning(second.child.pid ?? 0, "node", everythingScript)).toEqual([]);
    await stopRuntimeProcess(second);
  });
});
