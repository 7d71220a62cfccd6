import type { Transport } from "@modelcontextprotocol/client";
import type { McpServerConfig } from "../../config/mcp-config.ts";
import { redactSecretsAndValues } from "../../domain/secret-redaction.ts";
import type { Logger } from "../../logger.ts";
import { detectSandbox, type SandboxMode } from "../process/sandbox-probe.ts";
import { httpTransport, serverUrl } from "./http-transport.ts";
import { McpConnection } from "./mcp-connection.ts";
import type { McpAgentScope } from "./mcp-servers-port.ts";
import { resolveServer } from "./resolve-templates.ts";
import { ServerProcessTransport } from "./server-process-transport.ts";
import { serverStderr } from "./server-stderr.ts";
import { stdioLaunch } from "./stdio-launch.ts";

/** One JSON-RPC message from a stdio server; a larger one closes the connection. */
const stdioMessageByteLimit = 8 * 1024 * 1024;

export interface StartContext {
  environment: Record<string, string | undefined>;
  dataDir: string;
  hiddenPaths: string[];
  sandbox: SandboxMode;
  searchPath: string;
  logger: Logger;
  startTimeoutMs: number;
  /** Every resolved `${NAME}` value: redacted from what a server writes to stderr. */
  secrets: readonly string[];
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One attempt to start a server for an agent and run the MCP handshake. Throws
 * `ServerSetupError` when the entry cannot start for this agent at all, any other error when
 * this attempt failed (worth another try).
 */
export async function startServer(
  server: McpServerConfig,
  scope: McpAgentScope,
  context: StartContext,
): Promise<McpConnection> {
  const resolved = resolveServer(server, {
    environment: context.environment,
    workspace: scope.workspace?.root,
  });
  const logger = context.logger.child({ mcpServer: server.name, agentId: scope.agentId });
  let transport: Transport;
  let cleanup = () => {};
  let lastStderrLine: () => string | undefined = () => undefined;
  if (resolved.transport === "http") {
    transport = httpTransport(serverUrl(resolved.url), resolved.headers);
  } else {
    if (server.transport !== "stdio") throw new Error("unreachable");
    const launch = stdioLaunch({
      command: resolved.command,
      args: resolved.args,
      environment: resolved.environment,
      readOnlyPaths: server.readOnlyPaths,
      network: server.network === "on",
      workspaceRoot: scope.workspace?.root,
      sandbox: await detectSandbox(context.sandbox, context.searchPath),
      searchPath: context.searchPath,
      dataDir: context.dataDir,
      hiddenPaths: context.hiddenPaths,
    });
    const stderr = serverStderr({ logger, server: server.name, secrets: context.secrets });
    lastStderrLine = () => stderr.lastLine();
    cleanup = launch.cleanup;
    transport = new ServerProcessTransport({
      command: launch.command,
      args: launch.args,
      environment: launch.environment,
      cwd: launch.cwd,
      maxMessageBytes: stdioMessageByteLimit,
      onStderr: (chunk) => stderr.write(chunk),
    });
  }
  let cleaned = false;
  const cleanOnce = () => {
    if (cleaned) return;
    cleaned = true;
    cleanup();
  };
  try {
    const connection = await McpConnection.open({
      server: server.name,
      transport,
      startTimeoutMs: context.startTimeoutMs,
      logger,
      redact: (text) => redactSecretsAndValues(text, context.secrets),
      onClosed: cleanOnce,
    });
    logger.debug("MCP server connected");
    return connection;
  } catch (error) {
    cleanOnce();
    const stderr = lastStderrLine();
    const reason = redactSecretsAndValues(describe(error), context.secrets);
    throw new Error(stderr ? `${reason} (its last output: ${stderr})` : reason, { cause: error });
  }
}
