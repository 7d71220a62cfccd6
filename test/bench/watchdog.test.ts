import { describe, expect, it } from "vitest";
import { benchDatabases } from "../../bench/support/databases.ts";
import { RowStalledError, watchRow } from "../../bench/support/watchdog.ts";

const base = { quick: true, databases: benchDatabases(undefined), progress: () => undefined };
const never = new Promise<never>(() => undefined);

describe("the bench's row watchdog", () => {
  it("aborts a row whose probes stop changing, says what was pending and runs its cleanups", async () => {
    const watched = watchRow({ row: 9, base, stallSeconds: 0.2, pollMs: 20 });
    watched.context.watch(() => "3 of 10 acks back");
    let cleaned = false;
    watched.context.onAbort(() => {
      cleaned = true;
    });
    const outcome = await Promise.race([never, watched.stalled]).catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(RowStalledError);
    expect((outcome as RowStalledError).message).toContain("row 9 stalled: no progress for 0.2 s");
    expect((outcome as RowStalledError).pending).toEqual(["3 of 10 acks back"]);
    await watched.finish();
    expect(cleaned).toBe(true);
  });

  it("lets a slow row that keeps moving finish, and runs no cleanup", async () => {
    const watched = watchRow({ row: 2, base, stallSeconds: 0.2, pollMs: 20 });
    let steps = 0;
    const moving = setInterval(() => {
      steps += 1;
    }, 30);
    watched.context.watch(() => `${steps} steps`);
    let cleaned = false;
    watched.context.onAbort(() => {
      cleaned = true;
    });
    const slowRow = new Promise<string>((resolve) => setTimeout(() => resolve("done"), 600));
    const outcome = await Promise.race([slowRow, watched.stalled]);
    clearInterval(moving);
    await watched.finish();
    expect(outcome).toBe("done");
    expect(cleaned).toBe(false);
  });

  it("counts a probe that never answers as a stall", async () => {
    const watched = watchRow({ row: 4, base, stallSeconds: 0.2, pollMs: 20 });
    watched.context.watch(() => never);
    const outcome = await Promise.race([never, watched.stalled]).catch((error: unknown) => error);
    expect((outcome as RowStalledError).pending[0]).toBe("a probe did not answer");
    await watched.finish();
  });
});
