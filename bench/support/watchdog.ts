import type { BenchContext } from "./types.ts";

/** Thrown when a row made no progress for the stall window. */
export class RowStalledError extends Error {
  readonly pending: string[];

  constructor(row: number, stallSeconds: number, pending: string[]) {
    super(
      `row ${row} stalled: no progress for ${stallSeconds} s; pending: ${pending.length > 0 ? pending.join("; ") : "nothing reported"}`,
    );
    this.name = "RowStalledError";
    this.pending = pending;
  }
}

export interface WatchedRow {
  context: BenchContext;
  /** Rejects with RowStalledError once the row stalls; never resolves. */
  stalled: Promise<never>;
  /** Stops polling; runs the abort cleanups when the row was aborted. */
  finish(): Promise<void>;
}

/**
 * Progress-based stall detection for one row: every second it reads the row's probes; when
 * neither a probe's snapshot nor a progress message changed for `stallSeconds`, the row is
 * aborted with what was pending. Slow but moving work is never cut off.
 */
export function watchRow(options: {
  row: number;
  base: Omit<BenchContext, "watch" | "onAbort">;
  stallSeconds: number;
  pollMs?: number;
  now?: () => number;
}): WatchedRow {
  const now = options.now ?? Date.now;
  const probes = new Set<() => Promise<string> | string>();
  const cleanups: (() => Promise<void> | void)[] = [];
  let lastChange = now();
  let lastSnapshot = "";
  let aborted = false;
  let reject: (error: Error) => void = () => undefined;
  const stalled = new Promise<never>((_, rejectStalled) => {
    reject = rejectStalled;
  });
  // Nobody awaits `stalled` after a normal finish.
  stalled.catch(() => undefined);

  async function snapshots(): Promise<string[]> {
    return Promise.all(
      [...probes].map(async (probe) => {
        try {
          return await probe();
        } catch (error) {
          return `probe failed: ${error instanceof Error ? error.message : String(error)}`;
        }
      }),
    );
  }

  let polling = false;
  const timer = setInterval(() => {
    if (aborted) return;
    if (polling) {
      // A probe that never answers (a hung database, say) is a stall too.
      if (now() - lastChange >= options.stallSeconds * 1000) {
        aborted = true;
        reject(
          new RowStalledError(options.row, options.stallSeconds, ["a probe did not answer", lastSnapshot]),
        );
      }
      return;
    }
    polling = true;
    void snapshots()
      .then((current) => {
        const snapshot = current.join("\n");
        if (snapshot !== lastSnapshot) {
          lastSnapshot = snapshot;
          lastChange = now();
          return;
        }
        if (now() - lastChange >= options.stallSeconds * 1000) {
          aborted = true;
          reject(new RowStalledError(options.row, options.stallSeconds, current));
        }
      })
      .finally(() => {
        polling = false;
      });
  }, options.pollMs ?? 1000);
  timer.unref();

  const context: BenchContext = {
    ...options.base,
    progress(message) {
      lastChange = now();
      options.base.progress(message);
    },
    watch(probe) {
      probes.add(probe);
      return () => probes.delete(probe);
    },
    onAbort(cleanup) {
      cleanups.push(cleanup);
    },
  };

  return {
    context,
    stalled,
    async finish() {
      clearInterval(timer);
      if (!aborted) return;
      for (const cleanup of cleanups.reverse()) {
        await Promise.race([
          Promise.resolve(cleanup()).catch(() => undefined),
          new Promise((resolve) => setTimeout(resolve, 10_000).unref()),
        ]);
      }
    },
  };
}
