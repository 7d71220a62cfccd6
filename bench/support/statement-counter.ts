import pg from "pg";

let statements = 0;
let installed = false;

/**
 * Counts every statement the app process sends to Postgres (drizzle, pg-boss and the bench's
 * own progress queries alike), by wrapping `pg.Client#query` once per process.
 */
export function countPostgresStatements(): { read(): number } {
  if (!installed) {
    installed = true;
    const original = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      statements += 1;
      return (original as (...inner: unknown[]) => unknown).apply(this, args);
    } as typeof original;
  }
  return { read: () => statements };
}
