import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  databaseTotals,
  duplicates,
  lastSupervisorTexts,
  toolLog,
  turnCounts,
} from "../helpers/runtime-audit.ts";
import {
  scenarioEnvironment,
  stopRuntimeProcess,
  useProcessScenario,
  waitUntil,
} from "../helpers/runtime-processes.ts";
import { startRuntimeWithStandby } from "../helpers/runtime-with-standby.ts";
import { agentKeyOf, workloadResponder } from "../helpers/runtime-workload.ts";
import { scaled } from "../helpers/time-scale.ts";

// Two processes on one database only make sense on Postgres.
describe("resumes after a crash (postgres)", () => {
  const scenario = useProcessScenario({ latencyMs: 40, name: "crash" });

  it("finishes every agent in a new process without repeating a persisted turn or a tool call", {
    timeout: scaled(120_000),
  }, async () => {
    const sessions = 3;
    const workers = 2;
    const toolTurns = 4;
    scenario.server.respondWith(workloadResponder({ workers, toolTurns }));
    const log = path.join(scenario.directory, "tools.log");
    const environment = {
      ...scenarioEnvironment(scenario),
      TOOL_LOG: log,
      TOOL_PAUSE_MS: "60",
    };
    // The replacement loads now but starts its runtime only after the kill.
    const { first, second } = await startRuntimeWithStandby(
      scenario,
      environment,
      {
        INSTANCE_ID: "first",
        SEED_FROM: "0",
        SEED_COUNT: String(sessions),
      },
      "second",
    );

    // Kill it while the workers are mid-way: some in a model call, some in a tool.
    const workerRequests = () =>
      scenario.server.requests.filter((request) => !agentKeyOf(request).endsWith("supervisor")).length;
    await waitUntil(() => workerRequests() >= 10, { message: first.errors });
    const busyAtKill = (await databaseTotals(scenario.handle.db)).agents.filter(
      (agent) => agent.status === "running",
    ).length;
    first.child.kill("SIGKILL");
    await first.exited;
    const requestsBeforeKill = scenario.server.requests.length;
    const linesBeforeKill = (await toolLog(log)).length;

    second.go();
    await second.ready;
    await waitUntil(
      async () => {
        const totals = await databaseTotals(scenario.handle.db);
        const done = totals.agents.filter(
          (agent) => agent.role === "worker" && agent.status === "done",
        ).length;
        return (
          done === sessions * workers &&
          lastSupervisorTexts(totals).every((text) => text.startsWith("Summary"))
        );
      },
      { timeoutMs: 60_000, message: second.errors },
    );
    await stopRuntimeProcess(second);

    expect(busyAtKill).toBeGreaterThanOrEqual(2);
    expect(requestsBeforeKill).toBeLessThan(scenario.server.requests.length);
    expect(linesBeforeKill).toBeGreaterThan(0);

    // No turn is asked again once its result was persisted: a turn appears twice only when
    // it was the agent's newest turn at the kill (in flight), once before and once after.
    const counts = turnCounts(scenario.server.requests);
    for (const [key, indexes] of counts) {
      if (indexes.length === 1) continue;
      expect(indexes, key).toHaveLength(2);
      const [before = 0, after = 0] = indexes;
      expect(before, key).toBeLessThan(requestsBeforeKill);
      expect(after, key).toBeGreaterThanOrEqual(requestsBeforeKill);
      const agent = key.split("@")[0] ?? "";
      const newestBefore = Math.max(
        ...scenario.server.requests
          .slice(0, requestsBeforeKill)
          .filter((request) => agentKeyOf(request) === agent)
          .map((request) => request.turnIndex),
      );
      expect(Number(key.split("@")[1]), key).toBe(newestBefore);
    }

    // No tool ran twice, and an interrupted call was reported, not run again.
    const lines = await toolLog(log);
    expect(duplicates(lines.map((line) => line.token))).toEqual([]);
    const totals = await databaseTotals(scenario.handle.db);
    expect(totals.audit.filter((row) => row.status === "started")).toEqual([]);
    for (const row of totals.audit.filter((entry) => entry.toolName === "append_line")) {
      const token = (row.input as { mark: string }).mark;
      const ran = lines.filter((line) => line.token === token).length;
      if (row.status === "interrupted") expect(ran, token).toBeLessThanOrEqual(1);
      else expect(ran, token).toBe(1);
    }
    // Each persisted turn was counted once.
    expect(totals.ledgerRows).toBe(totals.assistantMessages);
    expect(totals.assistantMessages).toBe(counts.size);
  });

  it("reports a tool call that was running at the crash as interrupted and never runs it again", {
    timeout: scaled(120_000),
  }, async () => {
    scenario.server.respondWith(workloadResponder({ workers: 1, toolTurns: 2 }));
    const log = path.join(scenario.directory, "interrupted.log");
    const environment = {
      ...scenarioEnvironment(scenario),
      TOOL_LOG: log,
    };
    // The first process hangs inside the tool after its side effect, as if it died mid-call.
    const { first, second } = await startRuntimeWithStandby(
      scenario,
      environment,
      {
        INSTANCE_ID: "hung",
        SEED_FROM: "100",
        SEED_COUNT: "1",
        TOOL_PAUSE_MS: "600000",
      },
      "rescuer",
    );
    await waitUntil(async () => (await toolLog(log)).length === 1, { message: first.errors });
    first.child.kill("SIGKILL");
    await first.exited;
    second.go();
    await second.ready;
    await waitUntil(
      async () => {
        const totals = await databaseTotals(scenario.handle.db);
        return lastSupervisorTexts(totals).some((text) => text.startsWith("Summary for session 100"));
      },
      { timeoutMs: 60_000, message: second.errors },
    );
    await stopRuntimeProcess(second);

    const lines = await toolLog(log);
    expect(lines.filter((line) => line.token === "s100/w0#0")).toEqual([
      { instance: "hung", token: "s100/w0#0" },
    ]);
    const afterCrash = scenario.server.requests.find(
      (request) => agentKeyOf(request) === "s100/w0" && request.turnIndex === 1,
    );
    expect(afterCrash?.lastToolResults[0]?.isError).toBe(true);
    expect(afterCrash?.lastToolResults[0]?.content).toMatch(
      /interrupted by a restart.*Check before retrying/,
    );
    const audit = (await databaseTotals(scenario.handle.db)).audit.find(
      (row) => (row.input as { mark?: string }).mark === "s100/w0#0",
    );
    expect(audit?.status).toBe("interrupted");
  });
});
