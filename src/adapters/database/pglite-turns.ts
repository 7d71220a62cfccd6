import { AsyncLocalStorage } from "node:async_hooks";
import type { PGlite } from "@electric-sql/pglite";

/** How long statements may run back to back before the event loop gets a turn. */
const sliceMs = 50;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Set while a person waits on the statements run inside `whileSomeoneWaits`. */
const someoneWaits = new AsyncLocalStorage<true>();

/**
 * Runs `work` with its statements ahead of the queue on an embedded database: the few reads
 * and claims that stand between a person's message and the first sign it was seen (the event
 * id's claim, the session lookup) then wait for the statement in flight, not for every agent's.
 * Postgres runs statements side by side, so there it changes nothing.
 */
export function whileSomeoneWaits<Result>(work: () => Promise<Result>): Promise<Result> {
  // `work` must start its statements itself (an async function awaiting them), not return a
  // query builder that runs when awaited outside.
  return someoneWaits.run(true, work);
}

interface Turn {
  operation: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * PGlite runs each statement as synchronous WebAssembly and hands its lock to the next waiting
 * statement in a microtask, so a queue of statements from many agents runs back to back without
 * the event loop ever turning: timers (lease renewals), sockets (model replies, closed keep-alive
 * connections) and HTTP requests all wait until the queue is empty, for seconds under load.
 * Here statements and transactions take turns in one queue of our own, and once they have run for
 * `sliceMs` without the loop turning, the next one waits for a turn of the loop, so that I/O runs
 * in between. PGlite ran them one at a time already; a transaction's own statements still run
 * back to back under its lock. Statements issued under `whileSomeoneWaits` go first.
 */
export function takeTurns(pglite: PGlite): PGlite {
  const waiting: Turn[] = [];
  const urgent: Turn[] = [];
  let running = false;
  // When the current run of statements began; cleared as soon as the loop turns.
  let sliceStartedAt: number | undefined;
  function startSlice(): void {
    sliceStartedAt = performance.now();
    setImmediate(() => {
      sliceStartedAt = undefined;
    });
  }
  async function runQueued(): Promise<void> {
    running = true;
    for (;;) {
      if (sliceStartedAt !== undefined && performance.now() - sliceStartedAt > sliceMs) await nextTurn();
      // Taken after the loop's turn, so what arrived meanwhile for someone waiting goes first.
      const turn = urgent.shift() ?? waiting.shift();
      if (!turn) break;
      if (sliceStartedAt === undefined) startSlice();
      try {
        turn.resolve(await turn.operation());
      } catch (error) {
        turn.reject(error);
      }
    }
    running = false;
  }
  function inTurn<Result>(operation: () => Promise<Result>): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      const turn: Turn = { operation, resolve: resolve as (value: unknown) => void, reject };
      (someoneWaits.getStore() ? urgent : waiting).push(turn);
      if (!running) void runQueued();
    });
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
