import { getTableColumns, type Table } from "drizzle-orm";

/**
 * A row that raw SQL returned (snake_case keys, driver values, or `row_to_json` text), mapped
 * as drizzle maps its own queries' rows: dates become `Date`s, JSON columns values.
 */
export function rowFromRaw<T extends Table>(table: T, raw: Record<string, unknown>): T["$inferSelect"] {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = raw[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as T["$inferSelect"];
}
