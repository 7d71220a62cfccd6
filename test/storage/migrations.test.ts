import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "../../src/adapters/database/migrate.ts";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";

describe.each(backends)("migrations on %s", (backend) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("creates every table and applies again without error", async () => {
    await migrateDatabase(handle);
    await Promise.all([migrateDatabase(handle), migrateDatabase(handle)]);
    const result = await handle.db.execute<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    const names = result.rows.map((row) => row.table_name);
    expect(names).toEqual(
      expect.arrayContaining([
        "sessions",
        "agents",
        "transcript_messages",
        "events",
        "context_entries",
        "requests",
        "approval_rules",
        "tool_calls",
        "usage_ledger",
        "processed_events",
        "surface_messages",
      ]),
    );
  });
});
