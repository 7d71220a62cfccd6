import type { PGlite } from "@electric-sql/pglite";
import { and, eq, inArray, sql } from "drizzle-orm";
import pg from "pg";
import type { Logger } from "pino";
import { z } from "zod";
import type { Database } from "./open-database.ts";
import { agents } from "./schema.ts";

/** The channel every instance listens on; a payload is one cancelled agent. */
export const agentCancelChannel = "threadwork_agent_cancel";

export interface AgentCancellation {
  agentId: string;
  /** Who stopped it, when known. */
  by?: string;
}

const cancellationPayload = z.object({ agentId: z.string().min(1), by: z.string().optional() });

/**
 * Tells every instance an agent was cancelled. Call it inside the transaction that cancels it:
 * Postgres delivers the notification on commit, and never for a cancel that rolled back.
 */
export async function announceAgentCancelled(db: Database, cancellation: AgentCancellation): Promise<void> {
  await db.execute(sql`select pg_notify(${agentCancelChannel}, ${JSON.stringify(cancellation)})`);
}

/** Of `agentIds`, those that are cancelled now: the fallback when a notification was lost. */
export async function cancelledAgentsAmong(db: Database, agentIds: string[]): Promise<string[]> {
  if (agentIds.length === 0) return [];
  const rows = await db
    .select({ id: agents.id })
    .from(agents)
    .where(and(inArray(agents.id, agentIds), eq(agents.status, "cancelled")));
  return rows.map((row) => row.id);
}

export interface CancellationListener {
  close(): Promise<void>;
}

/** The payload as a cancellation; anything else on the channel is ignored. */
function parseCancellation(payload: string | undefined): AgentCancellation | undefined {
  try {
    const parsed = cancellationPayload.safeParse(JSON.parse(payload ?? ""));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** How long a lost Postgres listening connection waits before it connects again. */
const reconnectDelayMs = 1000;

function listenOnPostgres(
  pool: pg.Pool,
  onCancelled: (cancellation: AgentCancellation) => void,
  logger: Logger,
): CancellationListener {
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  // A connection of its own, outside the pool: LISTEN lasts as long as the session does.
  // Once the pool is ended the database is being closed: nothing is left to listen for.
  const over = () => closed || pool.ended;
  async function connect(): Promise<void> {
    if (over()) return;
    const connection = new pg.Client(pool.options);
    client = connection;
    const reconnect = (error?: unknown) => {
      if (client !== connection) return;
      client = undefined;
      connection.end().catch(() => undefined);
      if (over()) return;
      logger.warn({ err: error }, "lost the connection that listens for Stops; connecting again");
      retry = setTimeout(() => void connect(), reconnectDelayMs);
      retry.unref();
    };
    connection.on("error", reconnect);
    connection.on("end", () => reconnect());
    connection.on("notification", (message) => {
      if (message.channel !== agentCancelChannel) return;
      const cancellation = parseCancellation(message.payload);
      if (cancellation) onCancelled(cancellation);
    });
    try {
      await connection.connect();
      await connection.query(`listen ${agentCancelChannel}`);
    } catch (error) {
      reconnect(error);
    }
  }
  void connect();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const connection = client;
      client = undefined;
      await connection?.end().catch(() => undefined);
    },
  };
}

async function listenOnPglite(
  pglite: PGlite,
  onCancelled: (cancellation: AgentCancellation) => void,
): Promise<CancellationListener> {
  // The embedded database is one process: it hears its own notifications, on commit.
  const unlisten = await pglite.listen(agentCancelChannel, (payload) => {
    const cancellation = parseCancellation(payload);
    if (cancellation) onCancelled(cancellation);
  });
  return {
    async close() {
      if (!pglite.closed) await unlisten().catch(() => undefined);
    },
  };
}

/**
 * Calls `onCancelled` for every agent any instance on this database cancels, as soon as it
 * commits. A lost notification (a dropped connection) is not repeated: pair it with
 * `cancelledAgentsAmong`.
 */
export async function listenForAgentCancellations(
  db: Database,
  onCancelled: (cancellation: AgentCancellation) => void,
  logger: Logger,
): Promise<CancellationListener> {
  // The driver's client, which drizzle keeps as `$client`: node-postgres' pool or PGlite.
  const client = (db as unknown as { $client?: unknown }).$client;
  if (client instanceof pg.Pool) return listenOnPostgres(client, onCancelled, logger);
  if (isPglite(client)) return listenOnPglite(client, onCancelled);
  logger.warn("this database cannot listen for Stops; they are noticed by polling");
  return { close: async () => undefined };
}

function isPglite(client: unknown): client is PGlite {
  return (
    typeof client === "object" &&
    client !== null &&
    typeof (client as { listen?: unknown }).listen === "function" &&
    "closed" in client
  );
}
