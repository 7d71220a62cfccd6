import type { McpServerConfig } from "../../config/mcp-config.ts";
import type { McpCallResult, McpServerListing } from "../../domain/mcp.ts";
import type { Logger } from "../../logger.ts";
import type { SandboxMode } from "../process/sandbox-probe.ts";
import type { McpConnection } from "./mcp-connection.ts";
import { McpServerUnavailableError } from "./mcp-errors.ts";
import type { McpAgentScope, McpCallOptions, McpServers } from "./mcp-servers-port.ts";
import { needsWorkspace, referencedValues } from "./resolve-templates.ts";
import { ServerSetupError } from "./server-setup-error.ts";
import { type StartContext, startServer } from "./start-server.ts";
import { defaultRestartPolicy, type RestartPolicy, startWithBackoff } from "./start-with-backoff.ts";

export interface McpServersOptions {
  servers: McpServerConfig[];
  /** The service's environment, where `${NAME}` references are looked up. */
  environment: Record<string, string | undefined>;
  /** Never visible to a stdio server, whatever its configuration says. */
  dataDir: string;
  /** Hidden from stdio servers too; default the app directory (the working directory), as for commands. */
  hiddenPaths?: string[];
  /** The command sandbox setting: `required` runs stdio servers in bubblewrap, or not at all. */
  sandbox: SandboxMode;
  /** The service's PATH: where commands and bwrap are found. */
  searchPath: string;
  logger: Logger;
  /** Bounds one start, the handshake included. Default 30 s. */
  startTimeoutMs?: number;
  restart?: RestartPolicy;
  sleep?: (ms: number) => Promise<void>;
}

interface Slot {
  connection?: McpConnection;
  starting?: Promise<McpConnection>;
  released: boolean;
}

const defaultStartTimeoutMs = 30_000;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function audienceIncludes(use: McpServerConfig["use"], role: McpAgentScope["role"]): boolean {
  return use === "both" || (use === "supervisor" ? role === "supervisor" : role === "worker");
}

/** Rejects with the signal's reason as soon as it aborts, whatever `work` does. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * The deployment's MCP servers (see `McpServers`). Connections are keyed by agent and server
 * and started on first use; a dead one is replaced on the next `list` or `call`, with backoff
 * between failed starts. `list` and `call` do not check who may use a server: the runtime
 * offers an agent only `serversFor` it.
 */
export function createMcpServers(options: McpServersOptions): McpServers {
  const byName = new Map(options.servers.map((server) => [server.name, server]));
  const slots = new Map<string, Slot>();
  const secrets = referencedValues(options.servers, options.environment);
  const policy = options.restart ?? defaultRestartPolicy;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const context: StartContext = {
    environment: options.environment,
    dataDir: options.dataDir,
    hiddenPaths: options.hiddenPaths ?? [process.cwd()],
    sandbox: options.sandbox,
    searchPath: options.searchPath,
    logger: options.logger,
    startTimeoutMs: options.startTimeoutMs ?? defaultStartTimeoutMs,
    secrets,
  };
  const key = (agentId: string, server: string) => `${agentId}\u0000${server}`;

  function configured(name: string): McpServerConfig {
    const server = byName.get(name);
    if (!server) throw new McpServerUnavailableError(name, "no server of that name is configured");
    return server;
  }

  async function start(slot: Slot, server: McpServerConfig, scope: McpAgentScope): Promise<McpConnection> {
    let connection: McpConnection;
    let tried = 0;
    try {
      connection = await startWithBackoff(
        async (attempt) => {
          tried = attempt;
          try {
            return await startServer(server, scope, context);
          } catch (error) {
            options.logger.warn(
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

  function connectionFor(name: string, scope: McpAgentScope): Promise<McpConnection> {
    const server = configured(name);
    const slotKey = key(scope.agentId, name);
    let slot = slots.get(slotKey);
    if (!slot) {
      slot = { released: false };
      slots.set(slotKey, slot);
    }
    if (slot.connection?.alive) return Promise.resolve(slot.connection);
    if (slot.starting) return slot.starting;
    const current = slot;
    const starting = start(current, server, scope).finally(() => {
      current.starting = undefined;
    });
    current.starting = starting;
    return starting;
  }

  async function closeSlots(selected: [string, Slot][]): Promise<void> {
    await Promise.all(
      selected.map(async ([slotKey, slot]) => {
        slot.released = true;
        slots.delete(slotKey);
        await slot.connection?.close();
      }),
    );
  }

  return {
    serversFor(scope) {
      return options.servers.filter(
        (server) =>
          audienceIncludes(server.use, scope.role) &&
          (server.repository === undefined ||
            (scope.role === "worker" && scope.workspace?.repoName === server.repository)) &&
          (scope.workspace !== undefined || !needsWorkspace(server)),
      );
    },

    async list(name: string, scope: McpAgentScope): Promise<McpServerListing> {
      const connection = await connectionFor(name, scope);
      return connection.list(configured(name).timeoutSeconds * 1000);
    },

    async call(
      name: string,
      tool: string,
      input: Record<string, unknown>,
      scope: McpAgentScope,
      callOptions: McpCallOptions,
    ): Promise<McpCallResult> {
      const server = configured(name);
      const connection = await untilAborted(connectionFor(name, scope), callOptions.signal);
      return connection.call(tool, input, { ...callOptions, timeoutSeconds: server.timeoutSeconds });
    },

    async release(agentId: string): Promise<void> {
      const prefix = `${agentId}\u0000`;
      await closeSlots([...slots].filter(([slotKey]) => slotKey.startsWith(prefix)));
    },

    async close(): Promise<void> {
      await closeSlots([...slots]);
    },

    secretValues() {
      return [...secrets];
    },
  };
}
