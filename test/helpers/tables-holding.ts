import { sql } from "drizzle-orm";
import type { Database } from "../../src/adapters/database/open-database.ts";

/** Every table (any schema but the system's) with a row whose text, all columns together, contains `needle`. */
export async function tablesHolding(db: Database, needle: string): Promise<string[]> {
  const tables = await db.execute<{ schema: string; name: string }>(
    sql`select table_schema as schema, table_name as name from information_schema.tables
        where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
  );
  const holding: string[] = [];
  for (const table of tables.rows) {
    const qualified = sql.raw(`"${table.schema}"."${table.name}"`);
    const found = await db.execute<{ found: boolean }>(
      sql`select exists (select 1 from ${qualified} as row_value where strpos(row_value::text, ${needle}) > 0) as found`,
    );
    if (found.rows[0]?.found) holding.push(`${table.schema}.${table.name}`);
  }
  return holding;
}
