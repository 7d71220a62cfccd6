import type { PGlite } from "@electric-sql/pglite";

/** How long statements may run back to back before the event loop gets a turn. */
const sliceMs = 50;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * PGlite runs each statement as synchronous WebAssembly and hands its lock to the next waiting
 * statement in a microtask, so a queue of statements from many agents runs back to back without
 * the event loop ever turning: timers (lease renewals), sockets (model replies, closed keep-alive
 * connections) and HTTP requests all wait until the queue is empty, for seconds under load.
 * Here statements and transactions take turns in one queue of our own, and once they have run for
 * `sliceMs` without the loop turning, the next one waits for a turn of the loop, so that I/O runs
 * in between. PGlite ran them one at a time already; a transaction's own statements still run
 * back to back under its lock.
 */
export function takeTurns(pglite: PGlite): PGlite {
  let tail: Promise<unknown> = Promise.resolve();
  // When the current run of statements began; cleared as soon as the loop turns.
  let sliceStartedAt: number | undefined;
  function startSlice(): void {
    sliceStartedAt = performance.now();
    setImmediate(() => {
      sliceStartedAt = undefined;
    });
  }
  function inTurn<Result>(operation: () => Promise<Result>): Promise<Result> {
    const turn = tail.then(async () => {
      if (sliceStartedAt !== undefined && performance.now() - sliceStartedAt > sliceMs) await nextTurn();
      if (sliceStartedAt === undefined) startSlice();
      return operation();
    });
    tail = turn.catch(() => undefined);
    return turn;
  }
  const query = pglite.query.bind(pglite);
  const exec = pglite.exec.bind(pglite);
  const transaction = pglite.transaction.bind(pglite);
  pglite.query = ((...args: Parameters<typeof query>) => inTurn(() => query(...args))) as typeof pglite.query;
  pglite.exec = (...args) => inTurn(() => exec(...args));
  pglite.transaction = ((...args: Parameters<typeof transaction>) =>
    inTurn(() => transaction(...args))) as typeof pglite.transaction;
  return pglite;
}
