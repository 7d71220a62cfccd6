import type { PgBoss } from "pg-boss";
import { getAgent } from "../adapters/database/agents.ts";
import type { DatabaseHandle } from "../adapters/database/open-database.ts";
import { findRequestForToolCall } from "../adapters/database/requests.ts";
import type { SessionScope } from "../adapters/database/session-scope.ts";
import { createWorkspaceManager, type WorkspaceManager } from "../adapters/git/workspace-manager.ts";
import { createWorkspacesPort } from "../adapters/git/workspaces-port.ts";
import { createProviders } from "../adapters/providers/create-providers.ts";
import type { SlackFiles } from "../adapters/slack/slack-files.ts";
import type { Config } from "../config/config.ts";
import type { RuntimeTelemetry } from "../domain/telemetry-port.ts";
import type { AnyTool } from "../domain/tool.ts";
import type { Logger } from "../logger.ts";
import { createRuntime, type Runtime } from "../runtime/create-runtime.ts";
import type { RuntimeOptions } from "../runtime/runtime-context.ts";
import { readSlackFileTool } from "../tools/slack/read-slack-file.ts";
import { createWorkspaceTools } from "../tools/workspace/create-workspace-tools.ts";
import { workspaceDescriber } from "../tools/workspace/describe-workspace.ts";
import { mergeAgentsTool } from "../tools/workspace/merge-agents.ts";
import { mergeSourcesFrom } from "../tools/workspace/merge-sources.ts";
import { repositoryOverviewTool } from "../tools/workspace/repository-overview.ts";
import { createWorkspaceEnvironment } from "../tools/workspace/workspace-environment.ts";

export interface AssembledRuntime {
  runtime: Runtime;
  /** The runtime's queue, for health checks. */
  queue: PgBoss;
  /** Present when THREADWORK_REPOS lists at least one repository. */
  workspaceManager: WorkspaceManager | undefined;
}

interface AssembleOptions {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  /** Slack's files, when the Slack surface runs: every agent then gets `read_slack_file`. */
  slackFiles?: SlackFiles;
  runtimeOptions?: Partial<RuntimeOptions>;
  /** The sessions this process runs: the Slack app's, or one terminal chat's. */
  scope?: SessionScope;
  /** Metrics and traces of the runtime's work. */
  telemetry?: RuntimeTelemetry;
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
  const workspaceManager =
    config.git.repositories.length > 0
      ? createWorkspaceManager({
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
        })
      : undefined;

  const workerTools: AnyTool[] = [...sharedTools];
  const supervisorTools: AnyTool[] = [...sharedTools];
  if (workspaceManager) {
    // The manager's tool options hide the data directory (other workspaces, the database) from commands.
    workerTools.push(...createWorkspaceTools(workspaceManager.toolOptions()));
    supervisorTools.push(
      mergeAgentsTool({
        mergeBranches: (request) => workspaceManager.mergeBranches(request),
        pushTargetOf: (repoName) => workspaceManager.pushTargetOf(repoName),
        ...mergeSourcesFrom({
          findAgent: (agentId) => getAgent(database.db, agentId),
          findRequest: (agentId, toolCallId) => findRequestForToolCall(database.db, agentId, toolCallId),
        }),
      }),
      repositoryOverviewTool({
        repositoryNames: () => workspaceManager.repositoryNames(),
        overviewOf: (repoName) => workspaceManager.repositoryOverview(repoName),
      }),
    );
  }

  const queue = database.createQueue();
  const runtime = createRuntime({
    db: database.db,
    boss: queue,
    resolveProvider: providers.resolveProvider,
    config,
    logger,
    workerTools,
    supervisorTools,
    ...(workspaceManager
      ? {
          workspaces: {
            ...createWorkspacesPort(
              workspaceManager,
              createWorkspaceEnvironment({
                tools: workspaceManager.toolOptions(),
                repositories: config.git.repositories,
                dataDir: config.database.dataDir,
                logger,
                setupCacheTtlSeconds: config.git.setupCacheTtlSeconds,
              }),
            ),
            describeWorkspace: workspaceDescriber(() => workspaceManager.toolOptions()),
          },
          repositories: {
            names: workspaceManager.repositoryNames(),
            defaultRepository: config.git.defaultRepository,
          },
        }
      : {}),
    ...(options.runtimeOptions ? { options: options.runtimeOptions } : {}),
    ...(options.scope ? { scope: options.scope } : {}),
    ...(options.telemetry ? { telemetry: options.telemetry } : {}),
  });
  return { runtime, queue, workspaceManager };
}
