import type { McpServerConfig } from "../../config/mcp-config.ts";
import type { Logger } from "../../logger.ts";
import type { McpConnection } from "./mcp-connection.ts";
import { McpServerUnavailableError } from "./mcp-errors.ts";
import type { McpAgentScope } from "./mcp-servers-port.ts";
import { ServerSetupError } from "./server-setup-error.ts";
import { type StartContext, startServer } from "./start-server.ts";
import { type RestartPolicy, startWithBackoff } from "./start-with-backoff.ts";

interface Slot {
  connection?: McpConnection;
  starting?: Promise<McpConnection>;
  released: boolean;
}

interface ConnectionSlotsOptions {
  context: StartContext;
  policy: RestartPolicy;
  sleep: (ms: number) => Promise<void>;
  logger: Logger;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One MCP connection per agent and server, started on first use; a dead one is replaced on the
 * next use, with backoff between failed starts. A connection that finishes starting after its
 * agent's slots were released is closed at once.
 */
export class ConnectionSlots {
  readonly #options: ConnectionSlotsOptions;
  readonly #slots = new Map<string, Slot>();

  constructor(options: ConnectionSlotsOptions) {
    this.#options = options;
  }

  /** The agent's live connection to the server, started (once, however many ask) when it has none. */
  connectionFor(server: McpServerConfig, scope: McpAgentScope): Promise<McpConnection> {
    const slotKey = `${scope.agentId}\u0000${server.name}`;
    let slot = this.#slots.get(slotKey);
    if (!slot) {
      slot = { released: false };
      this.#slots.set(slotKey, slot);
    }
    if (slot.connection?.alive) return Promise.resolve(slot.connection);
    if (slot.starting) return slot.starting;
    const current = slot;
    const starting = this.#start(current, server, scope).finally(() => {
      current.starting = undefined;
    });
    current.starting = starting;
    return starting;
  }

  /** Closes the agent's connections. */
  async release(agentId: string): Promise<void> {
    const prefix = `${agentId}\u0000`;
    await this.#close([...this.#slots].filter(([slotKey]) => slotKey.startsWith(prefix)));
  }

  async closeAll(): Promise<void> {
    await this.#close([...this.#slots]);
  }

  async #close(selected: [string, Slot][]): Promise<void> {
    await Promise.all(
      selected.map(async ([slotKey, slot]) => {
        slot.released = true;
        this.#slots.delete(slotKey);
        await slot.connection?.close();
      }),
    );
  }

  async #start(slot: Slot, server: McpServerConfig, scope: McpAgentScope): Promise<McpConnection> {
    const connection = await this.#startWithRetries(server, scope);
    if (slot.released) {
      await connection.close();
      throw new McpServerUnavailableError(
        server.name,
        "the agent's connections were closed while it started",
      );
    }
    slot.connection = connection;
    return connection;
  }

  async #startWithRetries(server: McpServerConfig, scope: McpAgentScope): Promise<McpConnection> {
    const { context, policy, sleep, logger } = this.#options;
    let tried = 0;
    try {
      return await startWithBackoff(
        async (attempt) => {
          tried = attempt;
          try {
            return await startServer(server, scope, context);
          } catch (error) {
            logger.warn(
              { mcpServer: server.name, agentId: scope.agentId, attempt, error: describe(error) },
              "MCP server did not start",
            );
            throw error;
          }
        },
        policy,
        sleep,
      );
    } catch (error) {
      if (error instanceof ServerSetupError) throw new McpServerUnavailableError(server.name, error.message);
      throw new McpServerUnavailableError(
        server.name,
        `it did not start (${tried} attempt${tried === 1 ? "" : "s"}): ${describe(error)}`,
      );
    }
  }
}
