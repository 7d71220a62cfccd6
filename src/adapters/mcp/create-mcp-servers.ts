import type { McpServerConfig } from "../../config/mcp-config.ts";
import type { McpCallResult, McpServerListing } from "../../domain/mcp.ts";
import type { Logger } from "../../logger.ts";
import type { SandboxMode } from "../process/sandbox-probe.ts";
import { ConnectionSlots } from "./connection-slots.ts";
import { McpServerUnavailableError } from "./mcp-errors.ts";
import type { McpAgentScope, McpCallOptions, McpServers } from "./mcp-servers-port.ts";
import { needsWorkspace, referencedValues } from "./resolve-templates.ts";
import type { StartContext } from "./start-server.ts";
import { defaultRestartPolicy, type RestartPolicy } from "./start-with-backoff.ts";

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

const defaultStartTimeoutMs = 30_000;

function audienceIncludes(use: McpServerConfig["use"], role: McpAgentScope["role"]): boolean {
  return use === "both" || (use === "supervisor" ? role === "supervisor" : role === "worker");
}

/** Whether an agent may use the server: its audience, its repository, and a workspace it needs. */
function serves(server: McpServerConfig, scope: Pick<McpAgentScope, "role" | "workspace">): boolean {
  return (
    audienceIncludes(server.use, scope.role) &&
    (server.repository === undefined ||
      (scope.role === "worker" && scope.workspace?.repoName === server.repository)) &&
    (scope.workspace !== undefined || !needsWorkspace(server))
  );
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
  const slots = new ConnectionSlots({ context, policy, sleep, logger: options.logger });

  function configured(name: string): McpServerConfig {
    const server = byName.get(name);
    if (!server) throw new McpServerUnavailableError(name, "no server of that name is configured");
    return server;
  }

  return {
    serversFor(scope) {
      return options.servers.filter((server) => serves(server, scope));
    },

    async list(name: string, scope: McpAgentScope): Promise<McpServerListing> {
      const connection = await slots.connectionFor(configured(name), scope);
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
      const connection = await untilAborted(slots.connectionFor(server, scope), callOptions.signal);
      return connection.call(tool, input, { ...callOptions, timeoutSeconds: server.timeoutSeconds });
    },

    async release(agentId: string): Promise<void> {
      await slots.release(agentId);
    },

    async close(): Promise<void> {
      await slots.closeAll();
    },

    secretValues() {
      return [...secrets];
    },
  };
}
