import type { ApprovalPolicy } from "../domain/decision-rule.ts";
import type { FollowUpRule } from "../domain/follow-up-rule.ts";
import type { ModelRef } from "../domain/model.ts";
import type { SpendLimitAmounts } from "../domain/spend-limits.ts";
import type { Environment } from "./environment-schema.ts";
import type { McpServerConfig } from "./mcp-config.ts";
import type { ModelRole } from "./model-roles.ts";
import type { RepositoryConfig } from "./repository-config.ts";
import type { TelemetryConfig } from "./telemetry-config.ts";
import type { WatchRuleSetting } from "./watch-config-schema.ts";

/**
 * Who may use the Slack app besides the installing workspace's defaults. Empty lists add
 * nothing: only the installing workspace, every user, every channel.
 */
export interface SlackAccessLists {
  /** Other workspaces (T…) or organizations (E…) whose users are let in. */
  teams: string[];
  /** When users or user groups are set, only they may start or steer sessions. */
  users: string[];
  usergroups: string[];
  /** When set, sessions start only in these channels (DMs included, by their D… id). */
  channels: string[];
}

export interface Config {
  environment: Environment["NODE_ENV"];
  logLevel: Environment["LOG_LEVEL"];
  database: { url: string | undefined; dataDir: string };
  anthropic: { apiKey: string | undefined; baseUrl: string | undefined };
  openai: { apiKey: string | undefined; baseUrl: string | undefined };
  models: { supervisor: ModelRef; worker: ModelRef; strong: ModelRef };
  /**
   * Roles no setting names a model for: they hold the provider's default, which start-up
   * replaces with what a local OpenAI-compatible server serves (src/application/prepare-models.ts).
   */
  unsetModels: ModelRole[];
  priceOverrides: Record<string, { input: number; output: number; cacheRead?: number; cacheWrite?: number }>;
  /** Context windows in tokens by `provider:model`, from the configuration file. */
  contextWindows: Record<string, number>;
  /** Whether a model is shown images, by `provider:model` (`THREADWORK_IMAGE_MODELS`). */
  imageModels?: Record<string, boolean>;
  /** Watched-channel rules from the configuration file's `watch` array. */
  watch?: WatchRuleSetting[];
  /** The configuration file read, if any. */
  configFile: string | undefined;
  /** How long a stop may take, from the signal to exit (src/domain/shutdown-plan.ts). */
  shutdownSeconds: number;
  limits: {
    maxConcurrentAgents: number;
    maxAgentsPerSession: number;
    maxTurns: number;
    agentTimeoutSeconds: number;
    sessionBudgetUsd: number | undefined;
    sessionBudgetTokens: number | undefined;
    /** Thread replies from people other than a session's owner start at most one turn per session and per person in this time; 0 is no limit. */
    nonOwnerReplyWindowSeconds: number;
    /** A turn spawning more workers than this posts a plan first; undefined is off (docs/configuration.md). */
    planWorkersThreshold?: number | undefined;
    /** A turn whose workers' estimated cost is above this many dollars posts a plan first; undefined is off. */
    planCostThresholdUsd?: number | undefined;
    /** Spend per channel per day, team per month and person per day, in micro-dollars (docs/spend-limits.md). */
    spendLimits?: SpendLimitAmounts;
  };
  git: {
    repositories: RepositoryConfig[];
    /** Where each repository is set, for messages; see `CombinedSettings.repositorySettings`. */
    repositorySettings?: Record<string, string>;
    defaultRepository: string | undefined;
    token: string | undefined;
    githubToken: string | undefined;
    /** GitHub webhooks on Threadwork's own pull requests (docs/github.md); absent in older test configs. */
    github?: { webhookSecret: string | undefined; autofix: "off" | "on"; autofixAttempts: number };
    allowCommands: string[];
    sandbox: "required" | "off";
    commandLimits: { cpuSeconds: number; memoryMb: number; maxProcesses: number; maxFileMb: number };
    workspaceQuotaMb: number;
    push: boolean;
    workspaceTtlSeconds: number;
    /** How long a setup cache entry serves after it was stored. */
    setupCacheTtlSeconds: number;
  };
  slack: {
    botToken: string | undefined;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string | undefined;
    port: number;
    /** Where `GET /metrics` listens instead of `port`; absent means on `port`. */
    metricsListener?: { host: string; port: number } | undefined;
    /** Absent means the defaults: the installing workspace only. */
    access?: SlackAccessLists;
    /** The largest shared or attached file, in bytes (`THREADWORK_SHARED_FILE_MAX_BYTES`); absent means 2 MiB. */
    sharedFileMaxBytes?: number;
    /** Slack Code channels for sessions that put sub-agents to work on a repository; absent means off. */
    codeChannels?: boolean;
    /** Which thread replies start a turn (THREADWORK_FOLLOW_UP_RULE); absent means the default. */
    followUpRule?: FollowUpRule;
    /** THREADWORK_ADMINS: users and user groups who change channel settings, limits and export the audit trail, besides each workspace's admins. */
    admins?: string[];
    /** Many workspaces through Slack's OAuth install; absent means one workspace with `botToken`. */
    oauth?: SlackOAuthConfig | undefined;
  };
  /** Who decides approvals, budgets, answers and stops besides (or instead of) a session's owner. */
  approvals: {
    approverIds: string[];
    policy: ApprovalPolicy;
    /**
     * Whether "Always allow" is offered and its rules apply. False with `THREADWORK_SANDBOX=off`:
     * a command then reads every secret of the service, so each one asks, whatever rules are stored.
     */
    alwaysAllow: boolean;
    /** THREADWORK_ADMINS: user ids (U…, W…) and user group ids (S…) who set spend limits and get alerts. */
    adminIds?: string[];
  };
  /** MCP servers from the configuration file: the deployment's, then each repository's (with `repository` set). */
  mcp: { servers: McpServerConfig[] };
  /** OpenTelemetry tracing (the standard OTEL_* variables); absent or without a URL means off. */
  telemetry?: TelemetryConfig;
  /** Schedules from the configuration file (`schedules`), upserted by id at start. */
  schedules?: FileScheduleConfig[];
}

/** Slack's OAuth install (`SLACK_CLIENT_ID` and the rest): on only when all four are set. */
export interface SlackOAuthConfig {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  /** `THREADWORK_ENCRYPTION_KEY` as given (checked at start); tokens are stored encrypted with it. */
  encryptionKey: string;
}

/** Which groups of settings an entry point cannot run without. */
export type Requirement = "provider" | "slack";

/** A configuration file schedule: `phrase` holds the file's phrase or cron expression. */
export interface FileScheduleConfig {
  id: string;
  phrase: string;
  timeZone?: string | undefined;
  channel: string;
  owner: string;
  text: string;
}
