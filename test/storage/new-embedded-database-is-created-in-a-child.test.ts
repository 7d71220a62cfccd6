import { access, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "../../src/adapters/database/migrate.ts";
import { openDatabase } from "../../src/adapters/database/open-database.ts";
import { createSilentLogger } from "../../src/logger.ts";
import { scaled } from "../helpers/time-scale.ts";

describe("a new embedded database", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "threadwork-new-pglite-"));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("comes up migrated, with pg-boss's schema, and keeps its rows across a reopen", {
    timeout: scaled(120_000),
  }, async () => {
    const logger = createSilentLogger();
    const first = await openDatabase({ url: undefined, dataDir, logger });
    try {
      await access(path.join(dataDir, "pgdata", "PG_VERSION"));
      const tables = await first.db.execute<{ name: string }>(sql`
        select table_schema || '.' || table_name as name from information_schema.tables
        where (table_schema = 'public' and table_name = 'agents') or (table_schema = 'pgboss' and table_name = 'version')
        order by 1`);
      expect(tables.rows.map((row) => row.name)).toEqual(["pgboss.version", "public.agents"]);
      await migrateDatabase(first);
      await first.db.execute(sql`create table kept (value text)`);
      await first.db.execute(sql`insert into kept values ('still here')`);
    } finally {
      await first.close();
    }
    const second = await openDatabase({ url: undefined, dataDir, logger });
    try {
      const kept = await second.db.execute<{ value: string }>(sql`select value from kept`);
      expect(kept.rows).toEqual([{ value: "still here" }]);
    } finally {
      await second.close();
    }
  });
});
