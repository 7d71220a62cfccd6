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
  startRuntimeProcess,
  stopRuntimeProcess,
  useProcessScenario,
  waitUntil,
} from "../helpers/runtime-processes.ts";
import { workloadResponder } from "../helpers/runtime-workload.ts";
import { scaled } from "../helpers/time-scale.ts";

// Two processes on one database only make sense on Postgres.
describe("two instances on one database (postgres)", () => {
  const scenario = useProcessScenario({ latencyMs: 10, name: "scale" });

  it("runs 20 sessions with every model turn and every tool call exactly once", {
    timeout: scaled(150_000),
  }, async () => {
    const sessions = 20;
    const workers = 2;
    const toolTurns = 1;
    scenario.server.respondWith(workloadResponder({ workers, toolTurns }));
    const log = path.join(scenario.directory, "tools.log");
    const environment = {
      ...scenarioEnvironment(scenario),
      TOOL_LOG: log,
      WAIT_FOR_GO: "1",
    };
    // Each instance starts half the sessions; wake-ups reach whichever instance is free.
    const instances = [
      startRuntimeProcess({
        ...environment,
        INSTANCE_ID: "alpha",
        SEED_FROM: "0",
        SEED_COUNT: String(sessions / 2),
      }),
      startRuntimeProcess({
        ...environment,
        INSTANCE_ID: "beta",
        SEED_FROM: String(sessions / 2),
        SEED_COUNT: String(sessions / 2),
      }),
    ];
    scenario.processes.push(...instances);
    await Promise.all(instances.map((instance) => instance.loaded));
    for (const instance of instances) instance.go();
    await Promise.all(instances.map((instance) => instance.ready));

    await waitUntil(
      async () => {
        const totals = await databaseTotals(scenario.handle.db);
        const done = totals.agents.filter(
          (agent) => agent.role === "worker" && agent.status === "done",
        ).length;
        const texts = lastSupervisorTexts(totals);
        return (
          done === sessions * workers &&
          texts.length === sessions &&
          texts.every((text) => text.startsWith("Summary"))
        );
      },
      { timeoutMs: 100_000, message: () => instances.map((instance) => instance.errors()).join("\n") },
    );
    for (const instance of instances) await stopRuntimeProcess(instance);

    const counts = turnCounts(scenario.server.requests);
    const repeated = [...counts].filter(([, indexes]) => indexes.length > 1).map(([key]) => key);
    expect(repeated).toEqual([]);
    // 20 supervisors × (spawn, ack, events..., summary) + 40 workers × (2 tools + finish)
    expect(counts.size).toBeGreaterThanOrEqual(sessions * 3 + sessions * workers * (toolTurns + 1));

    const lines = await toolLog(log);
    expect(lines).toHaveLength(sessions * workers * toolTurns);
    expect(duplicates(lines.map((line) => line.token))).toEqual([]);
    // Both instances did real work.
    expect(new Set(lines.map((line) => line.instance))).toEqual(new Set(["alpha", "beta"]));

    const totals = await databaseTotals(scenario.handle.db);
    expect(totals.audit.every((row) => row.status === "finished")).toBe(true);
    expect(totals.audit).toHaveLength(sessions * workers + sessions * workers * (toolTurns + 1));
    expect(totals.ledgerRows).toBe(totals.assistantMessages);
    expect(totals.assistantMessages).toBe(scenario.server.requests.length);
  });
});
