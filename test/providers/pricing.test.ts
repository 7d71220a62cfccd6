import { describe, expect, it } from "vitest";
import { defaultModels } from "../../src/config/model-roles.ts";
import type { Usage } from "../../src/domain/messages.ts";
import type { ProviderName } from "../../src/domain/model.ts";
import { costMicros, costOf, priceOf } from "../../src/domain/pricing.ts";

const million: Usage = { inputTokens: 1_000_000, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

describe("pricing", () => {
  it("prices every default model", () => {
    for (const provider of ["anthropic", "openai"] as ProviderName[]) {
      for (const model of Object.values(defaultModels[provider])) {
        expect(priceOf({ provider, model }), `${provider}:${model}`).toBeDefined();
      }
    }
  });

  it("charges each token category at its own rate, in integer micro-dollars", () => {
    const ref = { provider: "anthropic" as const, model: "claude-sonnet-5" };
    const usage: Usage = {
      inputTokens: 1000,
      outputTokens: 500,
      cacheReadTokens: 10_000,
      cacheWriteTokens: 2000,
      longCacheWriteTokens: 1000,
    };
    // 1000×2 + 500×10 + 10000×0.2 + 1000×2.5 + 1000×4
    expect(costMicros(ref, usage)).toBe(2000 + 5000 + 2000 + 2500 + 4000);
    expect(Number.isInteger(costMicros(ref, { ...usage, inputTokens: 7 }))).toBe(true);
  });

  it("prices dated snapshots like their model but flags unknown models", () => {
    expect(costMicros({ provider: "anthropic", model: "claude-sonnet-4-5-20250929" }, million)).toBe(
      3_000_000,
    );
    expect(costOf({ provider: "openai", model: "qwen3" }, million)).toEqual({ micros: 0, priced: false });
    expect(costOf({ provider: "anthropic", model: "claude-sonnet-5-9" }, million).priced).toBe(false);
  });

  it("lets configuration override and add prices", () => {
    const overrides = {
      "openai:qwen3": { input: 0.5, output: 1 },
      "anthropic:claude-sonnet-5-5": { input: 10, output: 20, cacheRead: 1, cacheWrite: 12 },
    };
    expect(costOf({ provider: "openai", model: "qwen3" }, million, overrides)).toEqual({
      micros: 500_000,
      priced: true,
    });
    const usage: Usage = { inputTokens: 0, outputTokens: 1, cacheReadTokens: 1, cacheWriteTokens: 1 };
    expect(costMicros({ provider: "anthropic", model: "claude-sonnet-5-5" }, usage, overrides)).toBe(
      20 + 1 + 12,
    );
  });
});
