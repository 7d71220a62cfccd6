import type { McpAgentScope, McpCallOptions, McpServers } from "../../src/adapters/mcp/mcp-servers-port.ts";
import { plainCall } from "./mcp-servers.ts";

/** Calls server-everything's `trigger-long-running-operation`: `duration` seconds in `steps` progress steps. */
export function longRunningCall(
  servers: McpServers,
  scope: McpAgentScope,
  length: { duration: number; steps: number },
  options: McpCallOptions = plainCall(),
) {
  return servers.call("everything", "trigger-long-running-operation", length, scope, options);
}
