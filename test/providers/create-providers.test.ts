import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createProviders } from "../../src/adapters/providers/create-providers.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { ConfigurationError } from "../../src/domain/errors.ts";

describe("createProviders", () => {
  it("builds only the providers the configuration has credentials for", () => {
    const config = loadConfig({ ANTHROPIC_API_KEY: "sk-ant-test" });
    const providers = createProviders(config, { logger: pino({ level: "silent" }) });
    expect(providers.anthropic?.name).toBe("anthropic");
    expect(providers.openai).toBeUndefined();
    expect(providers.resolveProvider(config.models.worker)).toBe(providers.anthropic);
    expect(() => providers.resolveProvider({ provider: "openai", model: "gpt-6-sol" })).toThrow(
      ConfigurationError,
    );
    expect(() => providers.resolveProvider({ provider: "openai", model: "gpt-6-sol" })).toThrow(
      /OPENAI_API_KEY/,
    );
  });

  it("builds the OpenAI provider for a local server with a base URL and no key", () => {
    const providers = createProviders(loadConfig({ OPENAI_BASE_URL: "http://127.0.0.1:11434/v1" }));
    expect(providers.resolveProvider({ provider: "openai", model: "qwen3" }).name).toBe("openai");
    expect(providers.anthropic).toBeUndefined();
    expect(() => providers.resolveProvider({ provider: "anthropic", model: "claude-haiku-5-5" })).toThrow(
      /ANTHROPIC_API_KEY/,
    );
  });
});
