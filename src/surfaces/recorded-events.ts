import type { SurfaceEvent } from "../runtime/surface-port.ts";

interface Waiter {
  predicate: (event: SurfaceEvent) => boolean;
  resolve: (event: SurfaceEvent) => void;
}

/** The events a test surface saw, in order, and waits for the ones still to come. */
export class RecordedEvents {
  /** Every event recorded, in order. */
  readonly events: SurfaceEvent[] = [];
  readonly #waiters = new Set<Waiter>();

  record(event: SurfaceEvent): void {
    this.events.push(event);
    for (const waiter of [...this.#waiters]) {
      if (waiter.predicate(event)) {
        this.#waiters.delete(waiter);
        waiter.resolve(event);
      }
    }
  }

  /** Resolves with the first event (already recorded from `after`, or future) matching `predicate`. */
  waitFor(
    predicate: (event: SurfaceEvent) => boolean,
    options: { timeoutMs?: number; after?: number } = {},
  ): Promise<SurfaceEvent> {
    const seen = this.events.slice(options.after ?? 0).find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise<SurfaceEvent>((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(
          new Error(
            `timed out waiting for a surface event; saw: ${this.events.map((event) => event.type).join(", ")}`,
          ),
        );
      }, options.timeoutMs ?? 20_000);
      this.#waiters.add(waiter);
    });
  }

  /** Forgets the waiters; their promises never settle. */
  clearWaiters(): void {
    this.#waiters.clear();
  }
}
