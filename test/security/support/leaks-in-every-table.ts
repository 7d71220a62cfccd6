import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "../../../src/adapters/database/open-database.ts";

/** Every row of every table (Postgres) that holds one of `secrets`, and how many tables were read. */
export async function leaksInEveryTable(
  handle: DatabaseHandle,
  secrets: string[],
): Promise<{ tables: number; leaks: string[] }> {
  const tables = (await handle.db.execute(
    sql`select table_schema, table_name from information_schema.tables
        where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
  )) as unknown as { rows: { table_schema: string; table_name: string }[] };
  const leaks: string[] = [];
  for (const { table_schema: schema, table_name: table } of tables.rows) {
    const rows = (await handle.db.execute(
      sql.raw(`select t::text as row from "${schema}"."${table}" t`),
    )) as unknown as { rows: { row: string }[] };
    for (const { row } of rows.rows) {
      if (secrets.some((secret) => row.includes(secret)))
        leaks.push(`${schema}.${table}: ${row.slice(0, 200)}`);
    }
  }
  return { tables: tables.rows.length, leaks };
}
