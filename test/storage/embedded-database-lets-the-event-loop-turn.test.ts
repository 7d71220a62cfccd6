import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openMemoryDatabase } from "../../src/adapters/database/open-database.ts";
import { scaled } from "../helpers/time-scale.ts";

/**
 * Many agents queue statements on the one embedded database at once. If PGlite ran them back to
 * back in microtasks, nothing else would run meanwhile: no lease renewal, no model reply, no
 * request. Here a timer must keep firing while a long queue of statements drains.
 */
describe("the embedded database under a queue of statements", () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openMemoryDatabase();
  });
  afterAll(async () => {
    await handle.close();
  });

  it("lets timers and I/O run between statements", async () => {
    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(performance.now()), 5);
    const started = performance.now();
    try {
      await Promise.all(
        Array.from({ length: 3000 }, (_, index) =>
          handle.db.execute(sql`select sum(value) from generate_series(1, ${200 + index}) as value`),
        ),
      );
    } finally {
      clearInterval(timer);
    }
    const finished = performance.now();
    const gaps = [started, ...ticks, finished]
      .slice(1)
      .map((time, index, all) => time - (index === 0 ? started : (all[index - 1] ?? started)));
    const longestGap = Math.max(...gaps);
    // The queue takes far longer than the gap allowed, so a loop that never turned (one gap as long
    // as the queue) would fail; a busy machine stretches the gap, never past half the queue.
    expect(finished - started).toBeGreaterThan(600);
    expect(longestGap).toBeLessThan(Math.min(scaled(250), (finished - started) / 2));
  });
});
