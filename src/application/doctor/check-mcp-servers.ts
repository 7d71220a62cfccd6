import { createMcpServers } from "../../adapters/mcp/create-mcp-servers.ts";
import { needsWorkspace } from "../../adapters/mcp/resolve-templates.ts";
import type { SandboxMode } from "../../adapters/process/sandbox-probe.ts";
import type { McpServerConfig } from "../../config/mcp-config.ts";
import { createSilentLogger, type Logger } from "../../logger.ts";
import { type DoctorCheck, ok, problem } from "./doctor-check.ts";

interface McpCheckOptions {
  /** Where `${NAME}` references are looked up: the service's environment. */
  environment: Record<string, string | undefined>;
  dataDir: string;
  sandbox: SandboxMode;
  searchPath: string;
  /** Bounds each server's start; default 30 s. */
  timeoutMs?: number;
  logger?: Logger;
}

/** Names shown per server; the count says how many more there are. */
const namesShown = 12;

function where(server: McpServerConfig): string {
  return server.transport === "stdio" ? `stdio (${server.command})` : `Streamable HTTP`;
}

async function checkServer(server: McpServerConfig, options: McpCheckOptions): Promise<DoctorCheck> {
  const subject = `MCP server ${server.name}`;
  if (needsWorkspace(server)) {
    return ok(subject, `${where(server)}: starts with each worker's workspace, so it is not started here`);
  }
  const servers = createMcpServers({
    servers: [server],
    environment: options.environment,
    dataDir: options.dataDir,
    sandbox: options.sandbox,
    searchPath: options.searchPath,
    logger: options.logger ?? createSilentLogger(),
    startTimeoutMs: options.timeoutMs ?? 30_000,
    restart: { attempts: 1, initialDelayMs: 0 },
  });
  try {
    const listing = await servers.list(server.name, {
      sessionId: "doctor",
      agentId: "doctor",
      role: "supervisor",
    });
    const names = listing.tools.map((tool) => tool.name);
    const shown = names.slice(0, namesShown).join(", ");
    const more = names.length > namesShown ? ` and ${names.length - namesShown} more` : "";
    return ok(
      subject,
      `${where(server)}: ${names.length} tool${names.length === 1 ? "" : "s"}${names.length > 0 ? ` (${shown}${more})` : ""}${listing.instructions ? ", with instructions" : ""}`,
    );
  } catch (error) {
    return problem(
      subject,
      error instanceof Error ? error.message : String(error),
      `check mcpServers.${server.name} in the configuration file and that the server runs on its own; LOG_LEVEL=debug logs its stderr`,
    );
  } finally {
    await servers.close();
  }
}

/** Connects to each configured MCP server as a supervisor would and lists its tools, or names what is wrong. */
export function checkMcpServers(
  servers: McpServerConfig[],
  options: McpCheckOptions,
): Promise<DoctorCheck[]> {
  return Promise.all(servers.map((server) => checkServer(server, options)));
}
