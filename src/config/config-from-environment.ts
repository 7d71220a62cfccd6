import type { ModelRef, ProviderName } from "../domain/model.ts";
import type { CombinedSettings } from "./combine-settings.ts";
import type { Config } from "./config.ts";
import type { ScheduleSetting } from "./config-file-schema.ts";
import type { Environment } from "./environment-schema.ts";
import type { McpServerConfig } from "./mcp-config.ts";
import { defaultModels, modelRoles, modelVariables } from "./model-roles.ts";
import type { TelemetryConfig } from "./telemetry-config.ts";

/** Which providers the environment gives a key or, for OpenAI, a base URL. */
export interface ProvidersGiven {
  anthropic: boolean;
  openai: boolean;
}

export function parseModelRef(text: string): ModelRef {
  const separator = text.indexOf(":");
  return { provider: text.slice(0, separator) as ProviderName, model: text.slice(separator + 1) };
}

/** The named models, and for the roles none is named for, the default of the provider given. */
function models(environment: Environment, providers: ProvidersGiven): Pick<Config, "models" | "unsetModels"> {
  const provider: ProviderName = providers.anthropic || !providers.openai ? "anthropic" : "openai";
  const supervisor = environment.THREADWORK_SUPERVISOR_MODEL
    ? parseModelRef(environment.THREADWORK_SUPERVISOR_MODEL)
    : { provider, model: defaultModels[provider].supervisor };
  const worker = environment.THREADWORK_WORKER_MODEL
    ? parseModelRef(environment.THREADWORK_WORKER_MODEL)
    : { provider, model: defaultModels[provider].worker };
  const strong = environment.THREADWORK_STRONG_MODEL
    ? parseModelRef(environment.THREADWORK_STRONG_MODEL)
    : supervisor;
  return {
    models: { supervisor, worker, strong },
    unsetModels: modelRoles.filter((role) => environment[modelVariables[role]] === undefined),
  };
}

/** `off` (or unset) turns a plan threshold off. */
function thresholdValue(value: number | "off" | undefined): number | undefined {
  return value === "off" ? undefined : value;
}

function limits(environment: Environment): Config["limits"] {
  return {
    maxConcurrentAgents: environment.THREADWORK_MAX_CONCURRENT_AGENTS,
    maxAgentsPerSession: environment.THREADWORK_MAX_AGENTS_PER_SESSION,
    maxTurns: environment.THREADWORK_MAX_TURNS,
    agentTimeoutSeconds: environment.THREADWORK_AGENT_TIMEOUT,
    sessionBudgetUsd: environment.THREADWORK_SESSION_BUDGET_USD,
    sessionBudgetTokens: environment.THREADWORK_SESSION_BUDGET_TOKENS,
    nonOwnerReplyWindowSeconds: environment.THREADWORK_NON_OWNER_REPLY_WINDOW,
    planWorkersThreshold: thresholdValue(environment.THREADWORK_PLAN_WORKERS_THRESHOLD),
    planCostThresholdUsd: thresholdValue(environment.THREADWORK_PLAN_COST_THRESHOLD_USD),
  };
}

function git(environment: Environment, settings: CombinedSettings): Config["git"] {
  return {
    repositories: settings.repositories,
    repositorySettings: settings.repositorySettings,
    defaultRepository: settings.defaultRepository,
    token: environment.GIT_TOKEN,
    githubToken: environment.GITHUB_TOKEN,
    github: {
      webhookSecret: environment.GITHUB_WEBHOOK_SECRET,
      autofix: environment.THREADWORK_GITHUB_AUTOFIX ?? "on",
      autofixAttempts: environment.THREADWORK_GITHUB_AUTOFIX_ATTEMPTS,
    },
    allowCommands: settings.allowCommands,
    sandbox: environment.THREADWORK_SANDBOX,
    commandLimits: {
      cpuSeconds: environment.THREADWORK_COMMAND_CPU_SECONDS,
      memoryMb: environment.THREADWORK_COMMAND_MEMORY_MB,
      maxProcesses: environment.THREADWORK_COMMAND_MAX_PROCESSES,
      maxFileMb: environment.THREADWORK_COMMAND_MAX_FILE_MB,
    },
    workspaceQuotaMb: environment.THREADWORK_WORKSPACE_QUOTA_MB,
    push: environment.THREADWORK_PUSH,
    workspaceTtlSeconds: environment.THREADWORK_WORKSPACE_TTL,
    setupCacheTtlSeconds: environment.THREADWORK_SETUP_CACHE_TTL,
  };
}

function slack(environment: Environment): Config["slack"] {
  return {
    botToken: environment.SLACK_BOT_TOKEN,
    signingSecret: environment.SLACK_SIGNING_SECRET,
    appToken: environment.SLACK_APP_TOKEN,
    apiUrl: environment.SLACK_API_URL,
    port: environment.PORT,
    metricsListener: environment.THREADWORK_METRICS_ADDRESS,
    sharedFileMaxBytes: environment.THREADWORK_SHARED_FILE_MAX_BYTES,
    access: {
      teams: environment.THREADWORK_ALLOWED_TEAMS,
      users: environment.THREADWORK_ALLOWED_USERS,
      usergroups: environment.THREADWORK_ALLOWED_USERGROUPS,
      channels: environment.THREADWORK_ALLOWED_CHANNELS,
    },
    admins: environment.THREADWORK_ADMINS,
    codeChannels: environment.THREADWORK_CODE_CHANNELS,
    followUpRule: environment.THREADWORK_FOLLOW_UP_RULE,
    oauth: slackOAuth(environment),
  };
}

/** Set only when all four are: `loadConfig` refuses a partial set. */
function slackOAuth(environment: Environment): Config["slack"]["oauth"] {
  const { SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET, THREADWORK_ENCRYPTION_KEY } = environment;
  if (!SLACK_CLIENT_ID || !SLACK_CLIENT_SECRET || !SLACK_STATE_SECRET || !THREADWORK_ENCRYPTION_KEY) {
    return undefined;
  }
  return {
    clientId: SLACK_CLIENT_ID,
    clientSecret: SLACK_CLIENT_SECRET,
    stateSecret: SLACK_STATE_SECRET,
    encryptionKey: THREADWORK_ENCRYPTION_KEY,
  };
}

/** The configuration from an environment that parsed and settings that combined without a problem. */
export function configFromEnvironment(
  environment: Environment,
  settings: CombinedSettings,
  context: {
    providers: ProvidersGiven;
    configFile: string | undefined;
    telemetry: TelemetryConfig;
    mcpServers: McpServerConfig[];
    schedules?: ScheduleSetting[] | undefined;
  },
): Config {
  return {
    environment: environment.NODE_ENV,
    logLevel: environment.LOG_LEVEL,
    database: { url: environment.DATABASE_URL, dataDir: environment.THREADWORK_DATA_DIR },
    anthropic: { apiKey: environment.ANTHROPIC_API_KEY, baseUrl: environment.ANTHROPIC_BASE_URL },
    openai: { apiKey: environment.OPENAI_API_KEY, baseUrl: environment.OPENAI_BASE_URL },
    ...models(environment, context.providers),
    priceOverrides: settings.priceOverrides,
    contextWindows: settings.contextWindows,
    imageModels: settings.imageModels,
    configFile: context.configFile,
    shutdownSeconds: environment.THREADWORK_SHUTDOWN_SECONDS,
    limits: limits(environment),
    git: git(environment, settings),
    slack: slack(environment),
    approvals: {
      approverIds: environment.THREADWORK_APPROVERS,
      policy: environment.THREADWORK_APPROVAL_POLICY,
      alwaysAllow: environment.THREADWORK_SANDBOX !== "off",
      adminIds: environment.THREADWORK_ADMINS,
    },
    mcp: { servers: context.mcpServers },
    telemetry: context.telemetry,
    schedules: (context.schedules ?? []).map(({ cron, phrase, ...entry }) => ({
      ...entry,
      phrase: phrase ?? cron ?? "",
    })),
  };
}
