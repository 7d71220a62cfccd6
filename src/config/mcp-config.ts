import type { McpAudience, McpPolicy } from "../domain/mcp.ts";

/**
 * MCP servers as read from `threadwork.config.json` (`mcpServers`, and per repository).
 * Text values may hold `${NAME}` references to the service's environment: secrets are named,
 * never written in the file, and resolved only when the server is started or called.
 * In a stdio server's `args` and `environment`, `${workspace}` is the calling agent's
 * working copy; such a server is offered only to agents that have one.
 */
interface McpServerCommon {
  /** The key in the file: letters, digits, `-` and `_`; the prefix of its tools' names (`tracker__create_issue`). */
  name: string;
  /** Set when the server comes from a repository's entry: only that repository's workers get it. */
  repository?: string;
  /** Default `both` for deployment servers, `workers` for repository ones. */
  use: McpAudience;
  /** Default `ask`: every tool needs a person's Approve unless set otherwise here or per tool. */
  policy: McpPolicy;
  /** When true, a tool the server marks `readOnlyHint` runs without approval (unless its policy says otherwise). */
  trustAnnotations: boolean;
  /** Per-tool overrides by the server's own tool name. */
  tools: Record<string, { policy?: McpPolicy; use?: McpAudience }>;
  /** How long one call may take, start-up and waits on a person not counted. Default 60. */
  timeoutSeconds: number;
}

export interface McpStdioServerConfig extends McpServerCommon {
  transport: "stdio";
  /** An executable name (found on the service's PATH) or an absolute path. */
  command: string;
  args: string[];
  /** The server's whole environment besides PATH and HOME: nothing else of the service's is passed. */
  environment: Record<string, string>;
  /** Default off: the server runs without network. */
  network: "off" | "on";
  /** Host paths the sandbox shows the server read-only, e.g. where its package is installed. */
  readOnlyPaths: string[];
}

export interface McpHttpServerConfig extends McpServerCommon {
  transport: "http";
  /** Streamable HTTP endpoint; requests go to this URL only (redirects are not followed). */
  url: string;
  headers: Record<string, string>;
}

export type McpServerConfig = McpStdioServerConfig | McpHttpServerConfig;

export const defaultMcpTimeoutSeconds = 60;
