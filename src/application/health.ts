import { sql } from "drizzle-orm";
import type { PgBoss } from "pg-boss";
import type { Database } from "../adapters/database/open-database.ts";
import { wakeQueue } from "../runtime/wake-scheduler.ts";
import type { HealthCheck } from "../surfaces/slack/health.ts";

/** `GET /healthz`: the database answers a query, and the runtime's queue exists and answers. */
export function createHealthCheck(db: Database, queue: PgBoss): HealthCheck {
  return async () => {
    const database = await db.execute(sql`select 1`).then(
      () => true,
      () => false,
    );
    const queueRunning = database
      ? await queue.getQueue(wakeQueue).then(
          (found) => found !== null,
          () => false,
        )
      : false;
    return { database, queue: queueRunning };
  };
}
