import type { Config } from "../../config/config.ts";
import { ConfigurationError } from "../../domain/errors.ts";
import { formatModelRef, type ModelProvider, type ModelRef } from "../../domain/model.ts";
import { createAnthropicProvider } from "./anthropic-provider.ts";
import { createOpenAIProvider } from "./openai-provider.ts";
import type { RetryLogger, RetryPolicy, Sleep } from "./retry.ts";

export interface Providers {
  anthropic?: ModelProvider;
  openai?: ModelProvider;
  /** The provider for a `provider:model` reference; throws when that provider is not configured. */
  resolveProvider(ref: ModelRef): ModelProvider;
}

interface CreateProvidersOptions {
  logger?: RetryLogger;
  sleep?: Sleep;
  retryPolicy?: Partial<RetryPolicy>;
}

/** Builds a provider for every one the configuration has credentials (or a local server URL) for. */
export function createProviders(
  config: Pick<Config, "anthropic" | "openai">,
  options: CreateProvidersOptions = {},
): Providers {
  const shared = { logger: options.logger, sleep: options.sleep, retryPolicy: options.retryPolicy };
  const anthropic = config.anthropic.apiKey
    ? createAnthropicProvider({
        apiKey: config.anthropic.apiKey,
        baseUrl: config.anthropic.baseUrl,
        ...shared,
      })
    : undefined;
  // A local OpenAI-compatible server needs a base URL but often no key.
  const openai =
    config.openai.apiKey || config.openai.baseUrl
      ? createOpenAIProvider({ apiKey: config.openai.apiKey, baseUrl: config.openai.baseUrl, ...shared })
      : undefined;
  return {
    anthropic,
    openai,
    resolveProvider(ref: ModelRef): ModelProvider {
      const provider =
        ref.provider === "anthropic" ? anthropic : ref.provider === "openai" ? openai : undefined;
      if (provider) return provider;
      const variable =
        ref.provider === "anthropic" ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY or OPENAI_BASE_URL";
      throw new ConfigurationError([
        `model ${formatModelRef(ref)} needs the ${ref.provider} provider, which is not configured (set ${variable})`,
      ]);
    },
  };
}
