import type { Usage } from "./messages.ts";
import { formatModelRef, type ModelRef } from "./model.ts";

/** US dollars per million tokens. */
interface ModelPrice {
  input: number;
  output: number;
  cacheRead: number;
  /** Writing the cache with the default 5-minute TTL. */
  cacheWrite: number;
  /** Writing the cache with the 1-hour TTL. */
  longCacheWrite: number;
}

/** The shape of `config.priceOverrides` (`THREADWORK_PRICES`); keys are `provider:model`. */
type PriceOverride = { input: number; output: number; cacheRead?: number; cacheWrite?: number };
export type PriceOverrides = Record<string, PriceOverride>;

function anthropicPrice(input: number, output: number, cacheRead = input * 0.1): ModelPrice {
  return { input, output, cacheRead, cacheWrite: input * 1.25, longCacheWrite: input * 2 };
}

function openaiPrice(input: number, output: number, cacheRead: number, cacheWrite = input): ModelPrice {
  return { input, output, cacheRead, cacheWrite, longCacheWrite: cacheWrite };
}

/**
 * Standard (not batch, not fast, short-context) list prices, checked November 2026.
 * Models priced in bands by prompt length use their lower band.
 */
export const priceTable: Readonly<Record<string, ModelPrice>> = {
  "anthropic:claude-fable-5-1": anthropicPrice(10, 50),
  "anthropic:claude-opus-5-5": { input: 4, output: 20, cacheRead: 0.2, cacheWrite: 5, longCacheWrite: 8 },
  "anthropic:claude-opus-5": anthropicPrice(5, 25),
  "anthropic:claude-sonnet-5-5": { ...anthropicPrice(2, 10), cacheRead: 0.1 },
  "anthropic:claude-sonnet-5": anthropicPrice(2, 10),
  "anthropic:claude-haiku-5-5": anthropicPrice(0.1, 0.5),
  "anthropic:claude-opus-4-7": anthropicPrice(5, 25),
  "anthropic:claude-opus-4-6": anthropicPrice(5, 25),
  "anthropic:claude-opus-4-5": anthropicPrice(5, 25),
  "anthropic:claude-opus-4-1": anthropicPrice(15, 75),
  "anthropic:claude-opus-4-0": anthropicPrice(15, 75),
  "anthropic:claude-sonnet-4-6": anthropicPrice(3, 15),
  "anthropic:claude-sonnet-4-5": anthropicPrice(3, 15),
  "anthropic:claude-sonnet-4-0": anthropicPrice(3, 15),
  "anthropic:claude-haiku-4-5": anthropicPrice(1, 5),
  "anthropic:claude-3-5-haiku": anthropicPrice(0.8, 4),
  "openai:gpt-6.1-sol": openaiPrice(2, 10, 0.1, 2.5),
  "openai:gpt-6-sol": openaiPrice(2, 10, 0.2, 2.5),
  // No published price was found for the mini variant; estimated at a fifth of gpt-6-sol.
  "openai:gpt-6-sol-mini": openaiPrice(0.4, 2, 0.04, 0.5),
  "openai:gpt-6-luna": openaiPrice(0.1, 0.5, 0.01, 0.125),
  "openai:gpt-5": openaiPrice(1.25, 10, 0.125),
  "openai:gpt-5-mini": openaiPrice(0.25, 2, 0.025),
  "openai:gpt-5-nano": openaiPrice(0.05, 0.4, 0.005),
  "openai:gpt-4.1": openaiPrice(2, 8, 0.5),
  "openai:gpt-4.1-mini": openaiPrice(0.4, 1.6, 0.1),
  "openai:gpt-4o": openaiPrice(2.5, 10, 1.25),
  "openai:gpt-4o-mini": openaiPrice(0.15, 0.6, 0.075),
};

function fromOverride(ref: ModelRef, override: PriceOverride): ModelPrice {
  if (ref.provider === "anthropic") {
    const base = anthropicPrice(override.input, override.output, override.cacheRead);
    return override.cacheWrite === undefined
      ? base
      : { ...base, cacheWrite: override.cacheWrite, longCacheWrite: override.cacheWrite };
  }
  return openaiPrice(
    override.input,
    override.output,
    override.cacheRead ?? override.input,
    override.cacheWrite,
  );
}

// Dated snapshots and aliases share their model's price: `claude-sonnet-4-5-20250929`, `gpt-4o-latest`.
const snapshotSuffix = /^(-\d{4}-?\d{2}-?\d{2}|-latest|\[1m\])?$/;

function lookup<Entry>(table: Readonly<Record<string, Entry>>, key: string): Entry | undefined {
  const exact = table[key];
  if (exact !== undefined) return exact;
  let best: { length: number; entry: Entry } | undefined;
  for (const [candidate, entry] of Object.entries(table)) {
    if (!key.startsWith(candidate) || !snapshotSuffix.test(key.slice(candidate.length))) continue;
    if (!best || candidate.length > best.length) best = { length: candidate.length, entry };
  }
  return best?.entry;
}

/** Whether a `provider:model` has a price, in the overrides or the table; its cost is unknown otherwise. */
export function hasPrice(model: string, overrides: PriceOverrides = {}): boolean {
  return lookup(overrides, model) !== undefined || lookup(priceTable, model) !== undefined;
}

/** The shape of `config.contextWindows` (`THREADWORK_CONTEXT_WINDOWS`): tokens, keys `provider:model`. */
type ContextWindowOverrides = Record<string, number>;

/**
 * Context windows in tokens (prompt and output together), beside the prices they were checked
 * with. A `[1m]` alias takes the one-million-token window its provider sells separately.
 */
const contextWindowTable: Readonly<Record<string, number>> = {
  "anthropic:claude-fable-5-1": 200_000,
  "anthropic:claude-opus-5-5": 200_000,
  "anthropic:claude-opus-5": 200_000,
  "anthropic:claude-sonnet-5-5": 200_000,
  "anthropic:claude-sonnet-5": 200_000,
  "anthropic:claude-haiku-5-5": 200_000,
  "anthropic:claude-opus-4-7": 200_000,
  "anthropic:claude-opus-4-6": 200_000,
  "anthropic:claude-opus-4-5": 200_000,
  "anthropic:claude-opus-4-1": 200_000,
  "anthropic:claude-opus-4-0": 200_000,
  "anthropic:claude-sonnet-4-6": 200_000,
  "anthropic:claude-sonnet-4-5": 200_000,
  "anthropic:claude-sonnet-4-0": 200_000,
  "anthropic:claude-haiku-4-5": 200_000,
  "anthropic:claude-3-5-haiku": 200_000,
  "openai:gpt-6.1-sol": 400_000,
  "openai:gpt-6-sol": 400_000,
  "openai:gpt-6-sol-mini": 400_000,
  "openai:gpt-6-luna": 400_000,
  "openai:gpt-5": 400_000,
  "openai:gpt-5-mini": 400_000,
  "openai:gpt-5-nano": 400_000,
  "openai:gpt-4.1": 1_047_576,
  "openai:gpt-4.1-mini": 1_047_576,
  "openai:gpt-4o": 128_000,
  "openai:gpt-4o-mini": 128_000,
};

/** A model nobody listed; local servers often serve less, and `THREADWORK_CONTEXT_WINDOWS` says so. */
export const unknownContextWindow = 128_000;

/** A model's context window: an override wins over the table, which wins over the default. */
export function contextWindowOf(ref: ModelRef, overrides: ContextWindowOverrides = {}): number {
  const key = formatModelRef(ref);
  const override = lookup(overrides, key);
  if (override !== undefined) return override;
  if (key.endsWith("[1m]")) return 1_000_000;
  return lookup(contextWindowTable, key) ?? unknownContextWindow;
}

/** The price of a model: an override wins over the table; `undefined` when neither knows it. */
export function priceOf(ref: ModelRef, overrides: PriceOverrides = {}): ModelPrice | undefined {
  const key = formatModelRef(ref);
  const override = lookup(overrides, key);
  if (override) return fromOverride(ref, override);
  return lookup(priceTable, key);
}

interface Cost {
  /** Integer micro-dollars (1 USD = 1,000,000). */
  micros: number;
  /** False when the model has no price: the cost is then 0 and the caller should say so. */
  priced: boolean;
}

/**
 * The cost of one turn's usage. `usage.inputTokens` excludes cached tokens (Anthropic's meaning,
 * which the OpenAI adapter follows too), so each token is priced in exactly one category.
 */
export function costOf(ref: ModelRef, usage: Usage, overrides: PriceOverrides = {}): Cost {
  const price = priceOf(ref, overrides);
  if (!price) return { micros: 0, priced: false };
  const longWrites = Math.min(usage.longCacheWriteTokens ?? 0, usage.cacheWriteTokens);
  // Tokens × (USD per million tokens) is exactly micro-dollars.
  const micros =
    usage.inputTokens * price.input +
    usage.outputTokens * price.output +
    usage.cacheReadTokens * price.cacheRead +
    (usage.cacheWriteTokens - longWrites) * price.cacheWrite +
    longWrites * price.longCacheWrite;
  return { micros: Math.round(micros), priced: true };
}

/** Integer micro-dollars for one turn's usage; 0 for a model with no price (see `costOf`). */
export function costMicros(ref: ModelRef, usage: Usage, overrides: PriceOverrides = {}): number {
  return costOf(ref, usage, overrides).micros;
}
