import { McpServerUnavailableError } from "../../src/adapters/mcp/mcp-errors.ts";
import type { McpAgentScope, McpCallOptions, McpServers } from "../../src/adapters/mcp/mcp-servers-port.ts";
import type { McpServerConfig } from "../../src/config/mcp-config.ts";
import type { McpCallResult, McpServerListing } from "../../src/domain/mcp.ts";

export interface ScriptedMcpCall {
  server: string;
  tool: string;
  input: Record<string, unknown>;
  scope: McpAgentScope;
}

/**
 * An `McpServers` of scripted servers, for runtime tests that need no real server: each server's
 * listing (changeable between tests), a handler per call, and a record of what was listed,
 * called, released and closed.
 */
export class ScriptedMcpServers implements McpServers {
  readonly configs: McpServerConfig[];
  listings: Map<string, McpServerListing>;
  /** Servers that cannot be reached: list and call reject with McpServerUnavailableError. */
  readonly down = new Set<string>();
  readonly listed: { server: string; agentId: string }[] = [];
  readonly calls: ScriptedMcpCall[] = [];
  readonly released: string[] = [];
  closed = false;
  private readonly secrets: string[];
  private readonly handle: (call: ScriptedMcpCall, options: McpCallOptions) => Promise<McpCallResult>;

  constructor(options: {
    configs: McpServerConfig[];
    listings: McpServerListing[];
    secrets?: string[];
    handle: (call: ScriptedMcpCall, options: McpCallOptions) => Promise<McpCallResult>;
  }) {
    this.configs = options.configs;
    this.listings = new Map(options.listings.map((listing) => [listing.server, listing]));
    this.secrets = options.secrets ?? [];
    this.handle = options.handle;
  }

  serversFor(scope: Pick<McpAgentScope, "role" | "workspace">): McpServerConfig[] {
    return this.configs.filter(
      (config) =>
        config.use === "both" ||
        (scope.role === "supervisor" ? config.use === "supervisor" : config.use === "workers"),
    );
  }

  async list(server: string, scope: McpAgentScope): Promise<McpServerListing> {
    this.listed.push({ server, agentId: scope.agentId });
    if (this.down.has(server)) throw new McpServerUnavailableError(server, "it exited with code 1");
    const listing = this.listings.get(server);
    if (!listing) throw new McpServerUnavailableError(server, "not configured");
    return structuredClone(listing);
  }

  async call(
    server: string,
    tool: string,
    input: Record<string, unknown>,
    scope: McpAgentScope,
    options: McpCallOptions,
  ): Promise<McpCallResult> {
    const call = { server, tool, input, scope };
    this.calls.push(call);
    if (this.down.has(server)) throw new McpServerUnavailableError(server, "it exited with code 1");
    return this.handle(call, options);
  }

  async release(agentId: string): Promise<void> {
    this.released.push(agentId);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  secretValues(): string[] {
    return this.secrets;
  }
}

/** A stdio server's configuration as the config file would give it, defaults filled in. */
export function stdioServerConfig(name: string, overrides: Partial<McpServerConfig> = {}): McpServerConfig {
  return {
    name,
    transport: "stdio",
    command: "mcp-server",
    args: [],
    environment: {},
    network: "off",
    readOnlyPaths: [],
    use: "both",
    policy: "ask",
    trustAnnotations: false,
    tools: {},
    timeoutSeconds: 60,
    ...overrides,
  } as McpServerConfig;
}
