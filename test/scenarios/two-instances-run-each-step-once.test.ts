import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { type FakeLlmServer, startFakeLlmServer } from "../fakes/fake-llm-server.ts";
import { createTestDatabase } from "../helpers/database.ts";
import {
  databaseTotals,
  duplicates,
  lastSupervisorTexts,
  toolLog,
  turnCounts,
} from "../helpers/runtime-audit.ts";
import {
  databaseUrlOf,
  type RuntimeProcess,
  startRuntimeProcess,
  stopRuntimeProcess,
  waitUntil,
} from "../helpers/runtime-processes.ts";
import { workloadResponder } from "../helpers/runtime-workload.ts";

// Two processes on one database only make sense on Postgres.
describe("two instances on one database (postgres)", () => {
  let handle: DatabaseHandle;
  let server: FakeLlmServer;
  let directory: string;
  const processes: RuntimeProcess[] = [];

  beforeAll(async () => {
    handle = await createTestDatabase("postgres");
    server = await startFakeLlmServer({ latencyMs: 10 });
    directory = await mkdtemp(path.join(tmpdir(), "threadwork-scale-"));
  });
  afterAll(async () => {
    for (const runtimeProcess of processes) await stopRuntimeProcess(runtimeProcess);
    await handle?.close();
    await server?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it("runs 20 sessions with every model turn and every tool call exactly once", async () => {
    const sessions = 20;
    const workers = 2;
    const toolTurns = 1;
    server.respondWith(workloadResponder({ workers, toolTurns }));
    const log = path.join(directory, "tools.log");
    const environment = {
      DATABASE_URL: databaseUrlOf(handle),
      ANTHROPIC_BASE_URL: server.anthropicBaseUrl,
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
    processes.push(...instances);
    await Promise.all(instances.map((instance) => instance.loaded));
    for (const instance of instances) instance.go();
    await Promise.all(instances.map((instance) => instance.ready));

    await waitUntil(
      async () => {
        const totals = await databaseTotals(handle.db);
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

    const counts = turnCounts(server.requests);
    const repeated = [...counts].filter(([, indexes]) => indexes.length > 1).map(([key]) => key);
    expect(repeated).toEqual([]);
    // 20 supervisors × (spawn, ack, events..., summary) + 40 workers × (2 tools + finish)
    expect(counts.size).toBeGreaterThanOrEqual(sessions * 3 + sessions * workers * (toolTurns + 1));

    const lines = await toolLog(log);
    expect(lines).toHaveLength(sessions * workers * toolTurns);
    expect(duplicates(lines.map((line) => line.token))).toEqual([]);
    // Both instances did real work.
    expect(new Set(lines.map((line) => line.instance))).toEqual(new Set(["alpha", "beta"]));

    const totals = await databaseTotals(handle.db);
    expect(totals.audit.every((row) => row.status === "finished")).toBe(true);
    expect(totals.audit).toHaveLength(sessions * workers + sessions * workers * (toolTurns + 1));
    expect(totals.ledgerRows).toBe(totals.assistantMessages);
    expect(totals.assistantMessages).toBe(server.requests.length);
  }, 150_000);
});
