import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";

describe.each(backends)("pg-boss queue on %s", (backend) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("wakes a worker through LISTEN/NOTIFY well before its polling interval", async () => {
    const queue = handle.createQueue({ schedule: false, supervise: false });
    await queue.start();
    await queue.createQueue("wake", { notify: true });
    const received = Promise.withResolvers<{ data: unknown; at: number }>();
    await queue.work<{ agentId: string }>(
      "wake",
      { pollingIntervalSeconds: 30, notifyPollingIntervalSeconds: 30 },
      async ([job]) => {
        received.resolve({ data: job?.data, at: performance.now() });
      },
    );
    // Let the worker's first (empty) fetch pass, so only a notification can wake it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const sentAt = performance.now();
    await queue.send("wake", { agentId: "agent-1" });
    const { data, at } = await received.promise;
    expect(data).toEqual({ agentId: "agent-1" });
    expect(at - sentAt).toBeLessThan(2000);
  });
});
