import { ConfigurationError } from "../domain/errors.ts";
import { combineSettings } from "./combine-settings.ts";
import type { Config, Requirement } from "./config.ts";
import { type ConfigFileSource, parseConfigFile } from "./config-file.ts";
import { configFromEnvironment, type ProvidersGiven, parseModelRef } from "./config-from-environment.ts";
import { describeEnvironmentIssues } from "./environment-problems.ts";
import { type Environment, environmentSchema } from "./environment-schema.ts";
import { mcpServersFromFile } from "./mcp-servers-from-file.ts";
import { modelRoles, modelVariables } from "./model-roles.ts";
import { slackOAuthProblems, wantsSlackOAuth } from "./slack-oauth-problems.ts";
import { combineSpendLimits } from "./spend-limits-config.ts";
import { readTelemetryConfig } from "./telemetry-config.ts";

type Source = Record<string, string | undefined>;

function providersGiven(source: Source): ProvidersGiven {
  return {
    anthropic: Boolean(source.ANTHROPIC_API_KEY?.trim()),
    // A local OpenAI-compatible server (vLLM, Ollama) needs a base URL but often no key.
    openai: Boolean(source.OPENAI_API_KEY?.trim() || source.OPENAI_BASE_URL?.trim()),
  };
}

/** The groups of settings an entry point needs that are not there at all. */
function missingRequirements(
  source: Source,
  requirements: Requirement[],
  providers: ProvidersGiven,
): string[] {
  const problems: string[] = [];
  if (requirements.includes("provider") && !providers.anthropic && !providers.openai) {
    problems.push(
      "ANTHROPIC_API_KEY or OPENAI_API_KEY is missing (set one; OPENAI_BASE_URL alone serves a local server), e.g. ANTHROPIC_API_KEY=<key from console.anthropic.com> or OPENAI_BASE_URL=http://127.0.0.1:11434/v1 for Ollama",
    );
  }
  if (requirements.includes("slack")) {
    // With Slack's OAuth install each workspace's token comes from its installation.
    if (!source.SLACK_BOT_TOKEN?.trim() && !wantsSlackOAuth(source))
      problems.push(
        "SLACK_BOT_TOKEN is missing: the app's Bot User OAuth Token, e.g. SLACK_BOT_TOKEN=xoxb-...",
      );
    if (!source.SLACK_APP_TOKEN?.trim() && !source.SLACK_SIGNING_SECRET?.trim()) {
      problems.push(
        "SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) is missing, e.g. SLACK_APP_TOKEN=xapp-... (an app-level token with connections:write)",
      );
    }
  }
  return problems;
}

/** Models named for a provider whose key is not set. */
function modelProviderProblems(environment: Environment, providers: ProvidersGiven): string[] {
  const problems: string[] = [];
  for (const role of modelRoles) {
    const name = modelVariables[role];
    const value = environment[name];
    if (value === undefined) continue;
    const provider = parseModelRef(value).provider;
    if (provider === "anthropic" && !providers.anthropic)
      problems.push(`${name} uses anthropic but ANTHROPIC_API_KEY is missing`);
    if (provider === "openai" && !providers.openai)
      problems.push(`${name} uses openai but OPENAI_API_KEY is missing`);
  }
  return problems;
}

function approvalPolicyProblems(environment: Environment): string[] {
  if (
    environment.THREADWORK_APPROVAL_POLICY !== "approvers-only" ||
    environment.THREADWORK_APPROVERS.length > 0
  ) {
    return [];
  }
  return [
    "THREADWORK_APPROVAL_POLICY is approvers-only but THREADWORK_APPROVERS is empty: list the Slack user ids who may approve, or use owner-or-approvers",
  ];
}

/**
 * Parses the environment, and the configuration file when one is given, once, at start-up.
 * Every missing or malformed setting is collected into one `ConfigurationError`, so the
 * operator fixes them in one go.
 */
export function loadConfig(
  source: Source,
  requirements: Requirement[] = [],
  options: { file?: ConfigFileSource | undefined } = {},
): Config {
  const parsed = environmentSchema.safeParse(source);
  const problems: string[] = parsed.success ? [] : describeEnvironmentIssues(parsed.error.issues, source);
  const file = options.file ? parseConfigFile(options.file) : undefined;
  problems.push(...(file?.problems ?? []));
  const telemetry = readTelemetryConfig(source);
  problems.push(...telemetry.problems);
  const providers = providersGiven(source);
  problems.push(...missingRequirements(source, requirements, providers), ...slackOAuthProblems(source));
  if (parsed.success) {
    const environment = parsed.data;
    if (requirements.includes("provider")) problems.push(...modelProviderProblems(environment, providers));
    const settings = combineSettings(
      {
        repositories: environment.THREADWORK_REPOS,
        defaultRepository: environment.THREADWORK_DEFAULT_REPO,
        allowCommands: environment.THREADWORK_ALLOW_COMMANDS,
        prices: environment.THREADWORK_PRICES,
        contextWindows: environment.THREADWORK_CONTEXT_WINDOWS,
        imageModels: environment.THREADWORK_IMAGE_MODELS,
      },
      file,
    );
    const mcp = mcpServersFromFile(file, source, environment.THREADWORK_DATA_DIR);
    const spend = combineSpendLimits(
      environment,
      file ? { path: file.path, settings: file.settings?.spendLimits } : undefined,
    );
    problems.push(
      ...settings.problems,
      ...mcp.problems,
      ...spend.problems,
      ...approvalPolicyProblems(environment),
    );
    if (problems.length === 0) {
      const config = configFromEnvironment(environment, settings, {
        providers,
        configFile: file?.path,
        telemetry: telemetry.settings,
        mcpServers: mcp.servers,
        schedules: file?.settings?.schedules,
      });
      const watch = file?.settings?.watch;
      const withSpend = { ...config, limits: { ...config.limits, spendLimits: spend.amounts } };
      return watch ? { ...withSpend, watch } : withSpend;
    }
  }
  throw new ConfigurationError(problems);
}
