import { z } from "zod";
import { combineSettings } from "./config/combine-settings.ts";
import { type ConfigFileSource, parseConfigFile } from "./config/config-file.ts";
import { describeEnvironmentIssues } from "./config/environment-problems.ts";
import {
  choice,
  commaList,
  contextWindowTable,
  directory,
  duration,
  flag,
  httpUrl,
  modelReference,
  positiveNumber,
  postgresUrl,
  priceTable,
  repositoryList,
  slackToken,
  text,
  wholeNumber,
  withDefault,
} from "./config/environment-values.ts";
import type { RepositoryConfig } from "./config/repository-config.ts";
import { readTelemetryConfig, type TelemetryConfig } from "./config/telemetry-config.ts";
import { type ApprovalPolicy, approvalPolicies } from "./domain/decision-rule.ts";
import { ConfigurationError } from "./domain/errors.ts";
import type { ModelRef, ProviderName } from "./domain/model.ts";

export type { RepositoryConfig };

export const modelRoles = ["supervisor", "worker", "strong"] as const;
export type ModelRole = (typeof modelRoles)[number];

/** The variable that names each role's model. */
export const modelVariables: Record<ModelRole, string> = {
  supervisor: "THREADWORK_SUPERVISOR_MODEL",
  worker: "THREADWORK_WORKER_MODEL",
  strong: "THREADWORK_STRONG_MODEL",
};

/** Model defaults per provider, used when only that provider's key is set. */
export const defaultModels: Record<ProviderName, { supervisor: string; worker: string }> = {
  anthropic: { supervisor: "claude-sonnet-5-5", worker: "claude-haiku-5-5" },
  openai: { supervisor: "gpt-6-sol", worker: "gpt-6-sol-mini" },
};

const sandboxModes = ["required", "auto", "bwrap", "off"] as const;
const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/**
 * Every variable and how it is read. Each has an entry in src/config/environment-variables.ts,
 * which documents it for `--help` and `.env.example` and gives the example its errors quote.
 */
const environmentSchema = z.object({
  NODE_ENV: text,
  LOG_LEVEL: withDefault(choice(logLevels, `must be one of ${logLevels.join(", ")}`), "info"),
  DATABASE_URL: postgresUrl,
  THREADWORK_DATA_DIR: directory("./.threadwork"),
  /** Read by `readConfigFile` (src/config/config-file.ts): the configuration file's path. */
  THREADWORK_CONFIG: text,
  ANTHROPIC_API_KEY: text,
  ANTHROPIC_BASE_URL: httpUrl,
  OPENAI_API_KEY: text,
  OPENAI_BASE_URL: httpUrl,
  THREADWORK_SUPERVISOR_MODEL: modelReference,
  THREADWORK_WORKER_MODEL: modelReference,
  THREADWORK_STRONG_MODEL: modelReference,
  /** JSON: `{"anthropic:claude-x": {"input": 3, "output": 15}}`, US dollars per million tokens. */
  THREADWORK_PRICES: priceTable,
  /** JSON: `{"openai:qwen3-coder": 32768}`, tokens; overrides the table in src/domain/pricing.ts. */
  THREADWORK_CONTEXT_WINDOWS: contextWindowTable,
  THREADWORK_MAX_CONCURRENT_AGENTS: withDefault(wholeNumber(), 16),
  THREADWORK_MAX_AGENTS_PER_SESSION: withDefault(wholeNumber(), 6),
  THREADWORK_MAX_TURNS: withDefault(wholeNumber(), 80),
  THREADWORK_AGENT_TIMEOUT: withDefault(duration, 3600),
  THREADWORK_SESSION_BUDGET_USD: positiveNumber,
  THREADWORK_SESSION_BUDGET_TOKENS: wholeNumber(),
  THREADWORK_NON_OWNER_REPLY_WINDOW: withDefault(duration, 600),
  THREADWORK_REPOS: withDefault(repositoryList, []),
  THREADWORK_DEFAULT_REPO: text,
  GIT_TOKEN: text,
  GITHUB_TOKEN: text,
  THREADWORK_ALLOW_COMMANDS: commaList,
  /** `auto` and `bwrap` are older spellings of `required`: a missing sandbox never falls back silently. */
  THREADWORK_SANDBOX: choice(sandboxModes, "must be required or off").transform(
    (value): "required" | "off" => (value === "off" ? "off" : "required"),
  ),
  THREADWORK_COMMAND_CPU_SECONDS: withDefault(wholeNumber(), 600),
  THREADWORK_COMMAND_MEMORY_MB: withDefault(wholeNumber(), 2048),
  THREADWORK_COMMAND_MAX_PROCESSES: withDefault(wholeNumber(), 256),
  THREADWORK_COMMAND_MAX_FILE_MB: withDefault(wholeNumber(), 1024),
  THREADWORK_WORKSPACE_QUOTA_MB: withDefault(wholeNumber(), 5120),
  THREADWORK_PUSH: withDefault(flag, true),
  THREADWORK_WORKSPACE_TTL: withDefault(duration, 7 * 86400),
  THREADWORK_SETUP_CACHE_TTL: withDefault(duration, 7 * 86400),
  /** Must stay below the platform's kill timeout (fly.toml `kill_timeout`, 30 s). */
  THREADWORK_SHUTDOWN_SECONDS: withDefault(positiveNumber, 25),
  SLACK_BOT_TOKEN: slackToken("xoxb-", "bot token"),
  SLACK_SIGNING_SECRET: text,
  SLACK_APP_TOKEN: slackToken("xapp-", "app-level token"),
  SLACK_API_URL: httpUrl,
  PORT: withDefault(wholeNumber({ max: 65535 }), 3000),
  THREADWORK_APPROVERS: commaList,
  THREADWORK_ALLOWED_TEAMS: commaList,
  THREADWORK_ALLOWED_USERS: commaList,
  THREADWORK_ALLOWED_USERGROUPS: commaList,
  THREADWORK_ALLOWED_CHANNELS: commaList,
  THREADWORK_CODE_CHANNELS: withDefault(flag, false),
  THREADWORK_APPROVAL_POLICY: withDefault(
    choice(approvalPolicies, `must be one of ${approvalPolicies.join(", ")}`),
    "owner-or-approvers",
  ),
});

/** The variables the schema reads, for the documentation checks. */
export const environmentVariableNames: readonly string[] = Object.keys(environmentSchema.shape);

type Environment = z.infer<typeof environmentSchema>;

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
  environment: "production" | "development" | "test";
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
  };
  git: {
    repositories: RepositoryConfig[];
    /** Where each repository is set, for messages; see `CombinedSettings.repositorySettings`. */
    repositorySettings?: Record<string, string>;
    defaultRepository: string | undefined;
    token: string | undefined;
    githubToken: string | undefined;
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
    /** Absent means the defaults: the installing workspace only. */
    access?: SlackAccessLists;
    /** Slack Code channels for sessions that put sub-agents to work on a repository; absent means off. */
    codeChannels?: boolean;
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
  };
  /** OpenTelemetry tracing (the standard OTEL_* variables); absent or without a URL means off. */
  telemetry?: TelemetryConfig;
}

/** Which groups of settings an entry point cannot run without. */
export type Requirement = "provider" | "slack";

function parseModelRef(text: string): ModelRef {
  const separator = text.indexOf(":");
  return { provider: text.slice(0, separator) as ProviderName, model: text.slice(separator + 1) };
}

/**
 * Parses the environment, and the configuration file when one is given, once, at start-up.
 * Every missing or malformed setting is collected into one `ConfigurationError`, so the
 * operator fixes them in one go.
 */
export function loadConfig(
  source: Record<string, string | undefined>,
  requirements: Requirement[] = [],
  options: { file?: ConfigFileSource | undefined } = {},
): Config {
  const parsed = environmentSchema.safeParse(source);
  const problems: string[] = parsed.success ? [] : describeEnvironmentIssues(parsed.error.issues, source);
  const file = options.file ? parseConfigFile(options.file) : undefined;
  problems.push(...(file?.problems ?? []));
  const telemetry = readTelemetryConfig(source);
  problems.push(...telemetry.problems);
  const environment = parsed.success ? parsed.data : undefined;
  const hasAnthropic = Boolean(source.ANTHROPIC_API_KEY?.trim());
  // A local OpenAI-compatible server (vLLM, Ollama) needs a base URL but often no key.
  const hasOpenai = Boolean(source.OPENAI_API_KEY?.trim() || source.OPENAI_BASE_URL?.trim());

  if (requirements.includes("provider") && !hasAnthropic && !hasOpenai) {
    problems.push(
      "ANTHROPIC_API_KEY or OPENAI_API_KEY is missing (set one; OPENAI_BASE_URL alone serves a local server), e.g. ANTHROPIC_API_KEY=<key from console.anthropic.com> or OPENAI_BASE_URL=http://127.0.0.1:11434/v1 for Ollama",
    );
  }
  if (requirements.includes("slack")) {
    if (!source.SLACK_BOT_TOKEN?.trim())
      problems.push(
        "SLACK_BOT_TOKEN is missing: the app's Bot User OAuth Token, e.g. SLACK_BOT_TOKEN=xoxb-...",
      );
    if (!source.SLACK_APP_TOKEN?.trim() && !source.SLACK_SIGNING_SECRET?.trim()) {
      problems.push(
        "SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) is missing, e.g. SLACK_APP_TOKEN=xapp-... (an app-level token with connections:write)",
      );
    }
  }
  if (environment) {
    const defaultProvider: ProviderName = hasAnthropic || !hasOpenai ? "anthropic" : "openai";
    for (const [name, value] of [
      ["THREADWORK_SUPERVISOR_MODEL", environment.THREADWORK_SUPERVISOR_MODEL],
      ["THREADWORK_WORKER_MODEL", environment.THREADWORK_WORKER_MODEL],
      ["THREADWORK_STRONG_MODEL", environment.THREADWORK_STRONG_MODEL],
    ] as const) {
      if (value === undefined || !requirements.includes("provider")) continue;
      const provider = parseModelRef(value).provider;
      if (provider === "anthropic" && !hasAnthropic)
        problems.push(`${name} uses anthropic but ANTHROPIC_API_KEY is missing`);
      if (provider === "openai" && !hasOpenai)
        problems.push(`${name} uses openai but OPENAI_API_KEY is missing`);
    }
    const settings = combineSettings(
      {
        repositories: environment.THREADWORK_REPOS,
        defaultRepository: environment.THREADWORK_DEFAULT_REPO,
        allowCommands: environment.THREADWORK_ALLOW_COMMANDS,
        prices: environment.THREADWORK_PRICES,
        contextWindows: environment.THREADWORK_CONTEXT_WINDOWS,
      },
      file,
    );
    problems.push(...settings.problems);
    if (
      environment.THREADWORK_APPROVAL_POLICY === "approvers-only" &&
      environment.THREADWORK_APPROVERS.length === 0
    ) {
      problems.push(
        "THREADWORK_APPROVAL_POLICY is approvers-only but THREADWORK_APPROVERS is empty: list the Slack user ids who may approve, or use owner-or-approvers",
      );
    }
    if (problems.length === 0) {
      const supervisor = environment.THREADWORK_SUPERVISOR_MODEL
        ? parseModelRef(environment.THREADWORK_SUPERVISOR_MODEL)
        : { provider: defaultProvider, model: defaultModels[defaultProvider].supervisor };
      const worker = environment.THREADWORK_WORKER_MODEL
        ? parseModelRef(environment.THREADWORK_WORKER_MODEL)
        : { provider: defaultProvider, model: defaultModels[defaultProvider].worker };
      const strong = environment.THREADWORK_STRONG_MODEL
        ? parseModelRef(environment.THREADWORK_STRONG_MODEL)
        : supervisor;
      const named: Record<ModelRole, string | undefined> = {
        supervisor: environment.THREADWORK_SUPERVISOR_MODEL,
        worker: environment.THREADWORK_WORKER_MODEL,
        strong: environment.THREADWORK_STRONG_MODEL,
      };
      return {
        environment:
          environment.NODE_ENV === "production"
            ? "production"
            : environment.NODE_ENV === "test"
              ? "test"
              : "development",
        logLevel: environment.LOG_LEVEL,
        database: { url: environment.DATABASE_URL, dataDir: environment.THREADWORK_DATA_DIR },
        anthropic: { apiKey: environment.ANTHROPIC_API_KEY, baseUrl: environment.ANTHROPIC_BASE_URL },
        openai: { apiKey: environment.OPENAI_API_KEY, baseUrl: environment.OPENAI_BASE_URL },
        models: { supervisor, worker, strong },
        unsetModels: modelRoles.filter((role) => named[role] === undefined),
        priceOverrides: settings.priceOverrides,
        contextWindows: settings.contextWindows,
        configFile: file?.path,
        shutdownSeconds: environment.THREADWORK_SHUTDOWN_SECONDS,
        limits: {
          maxConcurrentAgents: environment.THREADWORK_MAX_CONCURRENT_AGENTS,
          maxAgentsPerSession: environment.THREADWORK_MAX_AGENTS_PER_SESSION,
          maxTurns: environment.THREADWORK_MAX_TURNS,
          agentTimeoutSeconds: environment.THREADWORK_AGENT_TIMEOUT,
          sessionBudgetUsd: environment.THREADWORK_SESSION_BUDGET_USD,
          sessionBudgetTokens: environment.THREADWORK_SESSION_BUDGET_TOKENS,
          nonOwnerReplyWindowSeconds: environment.THREADWORK_NON_OWNER_REPLY_WINDOW,
        },
        git: {
          repositories: settings.repositories,
          repositorySettings: settings.repositorySettings,
          defaultRepository: settings.defaultRepository,
          token: environment.GIT_TOKEN,
          githubToken: environment.GITHUB_TOKEN,
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
        },
        slack: {
          botToken: environment.SLACK_BOT_TOKEN,
          signingSecret: environment.SLACK_SIGNING_SECRET,
          appToken: environment.SLACK_APP_TOKEN,
          apiUrl: environment.SLACK_API_URL,
          port: environment.PORT,
          access: {
            teams: environment.THREADWORK_ALLOWED_TEAMS,
            users: environment.THREADWORK_ALLOWED_USERS,
            usergroups: environment.THREADWORK_ALLOWED_USERGROUPS,
            channels: environment.THREADWORK_ALLOWED_CHANNELS,
          },
          codeChannels: environment.THREADWORK_CODE_CHANNELS,
        },
        approvals: {
          approverIds: environment.THREADWORK_APPROVERS,
          policy: environment.THREADWORK_APPROVAL_POLICY,
          alwaysAllow: environment.THREADWORK_SANDBOX !== "off",
        },
        telemetry: telemetry.settings,
      };
    }
  }
  throw new ConfigurationError(problems);
}
