import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AgentCancellation,
  agentCancelChannel,
  announceAgentCancelled,
  type CancellationListener,
  listenForAgentCancellations,
} from "../../src/adapters/database/agent-cancellations.ts";
import { type DatabaseHandle, openDatabase } from "../../src/adapters/database/open-database.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";
import { eventually } from "../helpers/eventually.ts";
import { sleep } from "../helpers/sleep.ts";

const logger = pino({ level: "silent" });

/** Postgres: the listener on a second connection pool, as another instance has; PGlite: the same database. */
describe.each(backends)("agent cancellations on %s", (backend) => {
  let handle: DatabaseHandle;
  let other: DatabaseHandle;
  let listener: CancellationListener;
  const heard: AgentCancellation[] = [];

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
    const url = handle.pool?.options.connectionString;
    other = url === undefined ? handle : await openDatabase({ url, dataDir: "", logger });
    listener = await listenForAgentCancellations(
      other.db,
      (cancellation) => heard.push(cancellation),
      logger,
    );
  });
  afterAll(async () => {
    await listener?.close();
    if (other !== handle) await other?.close();
    await handle?.close();
  });

  it("reach a listener once the cancel commits, and never for one that rolled back", async () => {
    // The Postgres listener connects in the background: announce until it hears the first.
    await eventually(async () => {
      await announceAgentCancelled(handle.db, { agentId: "agt_ready" });
      await sleep(20);
      return heard.length > 0;
    });
    heard.length = 0;

    await handle.db
      .transaction(async (transaction) => {
        await announceAgentCancelled(transaction, { agentId: "agt_rolled_back", by: "owner" });
        throw new Error("roll back");
      })
      .catch(() => undefined);
    await handle.db.transaction(async (transaction) => {
      await announceAgentCancelled(transaction, { agentId: "agt_stopped", by: "owner" });
      await sleep(50);
      expect(heard).toEqual([]);
    });
    await eventually(() => heard.length > 0);
    expect(heard).toEqual([{ agentId: "agt_stopped", by: "owner" }]);
  });

  it("ignores what is not a cancellation on the channel", async () => {
    heard.length = 0;
    await handle.db.execute(`select pg_notify('${agentCancelChannel}', 'not json')`);
    await announceAgentCancelled(handle.db, { agentId: "agt_after" });
    await eventually(() => heard.length > 0);
    expect(heard).toEqual([{ agentId: "agt_after" }]);
  });
});
