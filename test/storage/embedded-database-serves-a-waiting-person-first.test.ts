import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { claimInboundEvent } from "../../src/adapters/database/processed-events.ts";
import { findSessionByKey } from "../../src/adapters/database/sessions.ts";
import { createTestDatabase } from "../helpers/database.ts";

/**
 * The embedded database runs one statement at a time. When a person's message arrives while
 * agents have a long queue of statements waiting, the event id's claim and the session lookup
 * that stand before the first sign it was seen must not wait behind that whole queue.
 */
describe("the embedded database with agents' statements queued", () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase("pglite");
  });
  afterAll(async () => {
    await handle.close();
  });

  async function finishedBeforeQueue(personal: () => Promise<unknown>): Promise<number> {
    const finished: string[] = [];
    const queued = Array.from({ length: 200 }, (_, index) =>
      handle.db
        .execute(sql`select sum(value) from generate_series(1, ${1000 + index}) as value`)
        .then(() => finished.push("agent")),
    );
    const mine = personal().then(() => finished.push("person"));
    await Promise.all([...queued, mine]);
    return finished.indexOf("person");
  }

  it("claims an inbound event ahead of the queue", async () => {
    // At most the statement in flight (and those the loop let through before it) finish first.
    expect(await finishedBeforeQueue(() => claimInboundEvent(handle.db, "slack-event", "Ev1"))).toBeLessThan(
      10,
    );
    // Still a claim: the second one for the same id is refused.
    expect(await claimInboundEvent(handle.db, "slack-event", "Ev1")).toBe(false);
  });

  it("looks a session up ahead of the queue", async () => {
    expect(await finishedBeforeQueue(() => findSessionByKey(handle.db, "slack", "T1:C1:1.0"))).toBeLessThan(
      10,
    );
  });
});
