import pg from "pg";

/** Starts the bench's own queries (progress, idle checks): counted apart from the app's. */
export const benchQueryMarker = "/* threadwork-bench */";

let statements = 0;
const byKind = new Map<string, number>();
let installed = false;

/** A statement's kind: its prepared name, or the start of its text with whitespace squeezed. */
function kindOf(args: unknown[]): string {
  const first = args[0];
  if (typeof first === "string") return first.replace(/\s+/g, " ").trim().slice(0, 90);
  if (first && typeof first === "object") {
    const config = first as { name?: unknown; text?: unknown };
    if (typeof config.name === "string" && config.name !== "") return `prepared ${config.name}`;
    if (typeof config.text === "string") return config.text.replace(/\s+/g, " ").trim().slice(0, 90);
  }
  return "(other)";
}

/**
 * Counts every statement the app process sends to Postgres (drizzle and pg-boss alike), by
 * wrapping `pg.Client#query` once per process, and by kind; the bench's own queries (those
 * starting with `benchQueryMarker`) are left out of the total.
 */
export function countPostgresStatements(): { read(): number; readByKind(): Map<string, number> } {
  if (!installed) {
    installed = true;
    const original = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const kind = kindOf(args);
      if (!kind.startsWith(benchQueryMarker)) {
        statements += 1;
        byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
      }
      return (original as (...inner: unknown[]) => unknown).apply(this, args);
    } as typeof original;
  }
  return { read: () => statements, readByKind: () => new Map(byKind) };
}
