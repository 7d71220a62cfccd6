import type { PgBoss } from "pg-boss";
import { getAgent } from "../adapters/database/agents.ts";
import { databaseAuditTrail } from "../adapters/database/audit-entries.ts";
import type { DatabaseHandle } from "../adapters/database/open-database.ts";
import { findRequestForToolCall } from "../adapters/database/requests.ts";
import type { SessionScope } from "../adapters/database/session-scope.ts";
import type { WorkspaceManager } from "../adapters/git/workspace-manager.ts";
import { createMcpServers } from "../adapters/mcp/create-mcp-servers.ts";
import type { McpServers } from "../adapters/mcp/mcp-servers-port.ts";
import { createProviders } from "../adapters/providers/create-providers.ts";
import { createWorkspaces } from "../adapters/workspace/create-workspaces.ts";
import type { Config } from "../config/config.ts";
import type { AuditTrail } from "../domain/audit-export.ts";
import { defaultSharedFileMaxBytes } from "../domain/shared-files.ts";
import type { RuntimeTelemetry } from "../domain/telemetry-port.ts";
import type { AnyTool } from "../domain/tool.ts";
import type { Logger } from "../logger.ts";
import { createRuntime, type Runtime } from "../runtime/create-runtime.ts";
import type { RuntimeOptions } from "../runtime/runtime-context.ts";
import { readSlackFileTool } from "../tools/slack/read-slack-file.ts";
import { attachFileTool } from "../tools/workspace/attach-file.ts";
import { createWorkspaceTools } from "../tools/workspace/create-workspace-tools.ts";
import { mergeAgentsTool } from "../tools/workspace/merge-agents.ts";
import { mergeSourcesFrom } from "../tools/workspace/merge-sources.ts";
import { repositoryOverviewTool } from "../tools/workspace/repository-overview.ts";

export interface AssembledRuntime {
  runtime: Runtime;
  /** The runtime's queue, for health checks. */
  queue: PgBoss;
  /** Present when THREADWORK_REPOS lists at least one repository. */
  workspaceManager: WorkspaceManager | undefined;
  /**
   * The audit trail on the same database. The runtime records the decisions it makes itself, in
   * their own transactions; the surfaces record the rest through this and export it.
   */
  audit: AuditTrail;
}

interface AssembleOptions {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  /** Slack's files, when the Slack surface runs: every agent then gets `read_slack_file`. */
  slackFiles?: Parameters<typeof readSlackFileTool>[0]["files"];
  runtimeOptions?: Partial<RuntimeOptions>;
  /** The sessions this process runs: the Slack app's, or one terminal chat's. */
  scope?: SessionScope;
  /** Metrics and traces of the runtime's work. */
  telemetry?: RuntimeTelemetry;
  /** The MCP servers agents are offered; by default those `config.mcp.servers` lists, if any. */
  mcpServers?: McpServers;
  /** Where MCP servers' `${NAME}` references are looked up; the process's environment by default. */
  environment?: Record<string, string | undefined>;
}

/** The configured MCP servers, or none; stdio servers run under the commands' sandbox setting. */
function configuredMcpServers(options: AssembleOptions): McpServers | undefined {
  const { config } = options;
  if (config.mcp.servers.length === 0) return undefined;
  const environment = options.environment ?? process.env;
  return createMcpServers({
    servers: config.mcp.servers,
    environment,
    dataDir: config.database.dataDir,
    sandbox: config.git.sandbox,
    searchPath: environment.PATH ?? "",
    logger: options.logger,
  });
}

/**
 * Builds providers, git workspaces, the tool registry and the runtime from configuration.
 * Every tool that depends on configuration is registered here; the built-in agent tools
 * are in `tools/agent/agent-tools.ts`.
 */
export function assembleRuntime(options: AssembleOptions): AssembledRuntime {
  const { config, database, logger } = options;
  const providers = createProviders(config, { logger });
  const sharedTools: AnyTool[] = options.slackFiles ? [readSlackFileTool({ files: options.slackFiles })] : [];
  const workspaces =
    config.git.repositories.length > 0
      ? createWorkspaces({
          repositories: config.git.repositories,
          token: config.git.token,
          githubToken: config.git.githubToken,
          dataDir: config.database.dataDir,
          push: config.git.push,
          logger,
          allowCommands: config.git.allowCommands,
          sandbox: config.git.sandbox,
          commandLimits: config.git.commandLimits,
          workspaceQuotaMb: config.git.workspaceQuotaMb,
          setupCacheTtlSeconds: config.git.setupCacheTtlSeconds,
        })
      : undefined;

  const workerTools: AnyTool[] = [...sharedTools];
  const supervisorTools: AnyTool[] = [...sharedTools];
  if (workspaces) {
    const { manager } = workspaces;
    // The tool options hide the data directory (other workspaces, the database) from commands.
    workerTools.push(
      ...createWorkspaceTools(workspaces.toolOptions),
      attachFileTool({ maximumBytes: config.slack.sharedFileMaxBytes ?? defaultSharedFileMaxBytes }),
    );
    supervisorTools.push(
      mergeAgentsTool({
        mergeBranches: (request) => manager.mergeBranches(request),
        pushTargetOf: (repoName) => manager.pushTargetOf(repoName),
        ...mergeSourcesFrom({
          findAgent: (agentId) => getAgent(database.db, agentId),
          findRequest: (agentId, toolCallId) => findRequestForToolCall(database.db, agentId, toolCallId),
        }),
      }),
      repositoryOverviewTool({
        repositoryNames: () => manager.repositoryNames(),
        overviewOf: (repoName) => manager.repositoryOverview(repoName),
      }),
    );
  }

  const mcpServers = options.mcpServers ?? configuredMcpServers(options);
  const queue = database.createQueue();
  const runtime = createRuntime({
    db: database.db,
    boss: queue,
    resolveProvider: providers.resolveProvider,
    config,
    logger,
    workerTools,
    supervisorTools,
    ...(workspaces
      ? {
          workspaces: workspaces.port,
          repositories: {
            names: workspaces.manager.repositoryNames(),
            defaultRepository: config.git.defaultRepository,
          },
        }
      : {}),
    ...(options.runtimeOptions ? { options: options.runtimeOptions } : {}),
    ...(options.scope ? { scope: options.scope } : {}),
    ...(options.telemetry ? { telemetry: options.telemetry } : {}),
    ...(mcpServers ? { mcpServers } : {}),
  });
  return { runtime, queue, workspaceManager: workspaces?.manager, audit: databaseAuditTrail(database.db) };
}
