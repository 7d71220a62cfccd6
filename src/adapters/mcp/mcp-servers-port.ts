import type { McpServerConfig } from "../../config/mcp-config.ts";
import type {
  McpCallResult,
  McpElicitation,
  McpElicitationAnswer,
  McpServerListing,
} from "../../domain/mcp.ts";
import type { Workspace } from "../../domain/tool.ts";

/** Whose connection it is. Connections are never shared between agents. */
export interface McpAgentScope {
  sessionId: string;
  agentId: string;
  role: "supervisor" | "worker";
  /** The agent's working copy: a stdio server runs with it mounted, and `${workspace}` names it. */
  workspace?: Workspace;
}

export interface McpCallOptions {
  /** Stop: the call is cancelled on the server (`notifications/cancelled`) and rejects at once. */
  signal: AbortSignal;
  /**
   * The server asks a person something during the call. The call's timeout is paused while
   * this waits; an agent that has no way to ask answers `decline`.
   */
  elicit(request: McpElicitation): Promise<McpElicitationAnswer>;
}

/**
 * The MCP servers of a deployment, as the runtime and the doctor use them. Servers start
 * lazily, one connection per agent and server, reused for that agent's calls; a server that
 * exited is started again (with backoff) on the next call, never in the middle of one.
 */
export interface McpServers {
  /** The servers an agent may use: by audience, and a worker's own repository's servers. */
  serversFor(scope: Pick<McpAgentScope, "role" | "workspace">): McpServerConfig[];
  /** Connects if needed and lists the server's tools and instructions. Throws `McpServerUnavailableError`. */
  list(server: string, scope: McpAgentScope): Promise<McpServerListing>;
  /**
   * One `tools/call`. Rejects with `McpServerUnavailableError` when the server cannot be
   * reached, `McpCallTimeoutError` past the server's timeout, and the signal's reason on Stop.
   */
  call(
    server: string,
    tool: string,
    input: Record<string, unknown>,
    scope: McpAgentScope,
    options: McpCallOptions,
  ): Promise<McpCallResult>;
  /** Closes an agent's connections; its stdio servers stop. */
  release(agentId: string): Promise<void>;
  /** Closes every connection. */
  close(): Promise<void>;
  /** The values `${NAME}` references resolve to, for redaction wherever text leaves the service. */
  secretValues(): string[];
}
