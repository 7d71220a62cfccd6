import type { PGlite } from "@electric-sql/pglite";

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * PGlite runs each statement as synchronous WebAssembly and hands its lock to the next waiting
 * statement in a microtask, so a queue of statements from many agents runs back to back without
 * the event loop ever turning: timers (lease renewals), sockets (model replies, closed keep-alive
 * connections) and HTTP requests all wait until the queue is empty, for seconds under load.
 * Here statements and transactions take turns in one queue of our own, with a turn of the event
 * loop before each, so that I/O runs in between. PGlite ran them one at a time already; a
 * transaction's own statements still run back to back under its lock.
 */
export function takeTurns(pglite: PGlite): PGlite {
  let tail: Promise<unknown> = Promise.resolve();
  function inTurn<Result>(operation: () => Promise<Result>): Promise<Result> {
    const turn = tail.then(nextTurn).then(operation);
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
