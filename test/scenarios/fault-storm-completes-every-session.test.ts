import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import { errorResponse, type FakeLlmServer, startFakeLlmServer } from "../fakes/fake-llm-server.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";
import { databaseTotals, lastSupervisorTexts } from "../helpers/runtime-audit.ts";
import { startTestRuntime } from "../helpers/runtime-harness.ts";
import { waitUntil } from "../helpers/runtime-processes.ts";
import { appendLineTool, userText, workloadResponder } from "../helpers/runtime-workload.ts";
import { scaled } from "../helpers/time-scale.ts";

const failureStatuses = [529, 429, 500] as const;

describe.each(backends)("fault storm on %s", (backend) => {
  let handle: DatabaseHandle;
  let server: FakeLlmServer;
  let runtime: Runtime;

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
    server = await startFakeLlmServer();
    runtime = await startTestRuntime({
      handle,
      anthropicBaseUrl: server.anthropicBaseUrl,
      workerTools: [appendLineTool("/dev/null", "test")],
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    await handle?.close();
    await server?.close();
  });

  it("completes every session while 30% of model responses fail with 529, 429 or 500", {
    timeout: scaled(90_000),
  }, async () => {
    const sessions = 4;
    const workload = workloadResponder({ workers: 2, toolTurns: 2 });
    let state = 7;
    const random = () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
    const failed: number[] = [];
    server.respondWith((request) => {
      if (random() < 0.3) {
        const status = failureStatuses[failed.length % failureStatuses.length] ?? 500;
        failed.push(status);
        return errorResponse(status, status === 429 ? { retryAfterMs: 5 } : {});
      }
      return workload(request);
    });
    for (let session = 0; session < sessions; session += 1) {
      await runtime.handle({
        type: "user-message",
        key: { surface: "storm", conversationKey: `session-${session}` },
        userId: "owner",
        text: userText(session),
      });
    }
    await waitUntil(
      async () => {
        const texts = lastSupervisorTexts(await databaseTotals(handle.db));
        return texts.length === sessions && texts.every((text) => text.startsWith("Summary"));
      },
      { timeoutMs: 50_000 },
    );
    const totals = await databaseTotals(handle.db);
    const workers = totals.agents.filter((agent) => agent.role === "worker");
    expect(workers).toHaveLength(sessions * 2);
    expect(workers.every((agent) => agent.status === "done")).toBe(true);
    expect(lastSupervisorTexts(totals).every((text) => text.endsWith("2 finished."))).toBe(true);
    // The storm was real: about 30% of the answers were failures of each kind.
    expect(failed.length / server.requests.length).toBeGreaterThan(0.15);
    expect(new Set(failed)).toEqual(new Set(failureStatuses));
    expect(totals.ledgerRows).toBe(totals.assistantMessages);
  });
});
