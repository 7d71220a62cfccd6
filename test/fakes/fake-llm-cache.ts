import { createHash } from "node:crypto";

/** One block of the prompt, in cache order (tools, then system, then messages). */
export interface PromptBlock {
  /** The block's content without its `cache_control`, which is not part of the cache key. */
  key: string;
  tokens: number;
  /** Set when the block carries a `cache_control` breakpoint. */
  breakpoint?: "5m" | "1h";
}

export interface CacheOutcome {
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  longCacheWriteTokens: number;
}

export interface PromptCacheOptions {
  now: () => number;
  /** How many blocks before a breakpoint Anthropic looks for an earlier hit. */
  lookback?: number;
  /** Prefixes shorter than this are not cached (Anthropic: 1024+ tokens); 0 for small test prompts. */
  minimumTokens?: number;
}

const ttlMs = { "5m": 5 * 60_000, "1h": 60 * 60_000 } as const;

/** Drops expired entries once the map doubles in size, so long benchmark runs stay small and fast. */
class ExpirySweeper {
  #threshold = 50_000;

  sweep<Entry>(entries: Map<string, Entry>, now: number, expiry: (entry: Entry) => number): void {
    if (entries.size < this.#threshold) return;
    for (const [key, entry] of entries) if (expiry(entry) <= now) entries.delete(key);
    this.#threshold = Math.max(50_000, entries.size * 2);
  }
}

/**
 * Anthropic's prefix cache, simulated: an entry is written at each breakpoint; a later request
 * reads the longest live entry found at a breakpoint or up to `lookback` blocks before it.
 * A hit refreshes the entry's TTL.
 */
export class PromptCacheSimulator {
  readonly #entries = new Map<string, { expiresAt: number; ttl: "5m" | "1h" }>();
  readonly #sweeper = new ExpirySweeper();
  readonly #now: () => number;
  readonly #lookback: number;
  readonly #minimumTokens: number;

  constructor(options: PromptCacheOptions) {
    this.#now = options.now;
    this.#lookback = options.lookback ?? 20;
    this.#minimumTokens = options.minimumTokens ?? 0;
  }

  clear(): void {
    this.#entries.clear();
  }

  process(blocks: PromptBlock[]): CacheOutcome {
    const now = this.#now();
    this.#sweeper.sweep(this.#entries, now, (entry) => entry.expiresAt);
    const hashes: string[] = [];
    const cumulative: number[] = [];
    let hash = "";
    let total = 0;
    for (const block of blocks) {
      hash = createHash("sha256").update(hash).update("\u0000").update(block.key).digest("hex");
      total += block.tokens;
      hashes.push(hash);
      cumulative.push(total);
    }
    const breakpoints = blocks.flatMap((block, index) => (block.breakpoint ? [index] : []));
    const alive = (index: number) => {
      const entry = this.#entries.get(hashes[index] ?? "");
      return entry !== undefined && entry.expiresAt > now;
    };

    let hit = -1;
    let hitTtl: "5m" | "1h" = "5m";
    for (const breakpoint of breakpoints) {
      for (let index = breakpoint; index >= Math.max(0, breakpoint - this.#lookback); index--) {
        if (!alive(index)) continue;
        if (index > hit) {
          hit = index;
          hitTtl = blocks[breakpoint]?.breakpoint ?? "5m";
        }
        break;
      }
    }
    // A hit refreshes the entry, with the TTL the request now asks for.
    const hitEntry = hit >= 0 ? this.#entries.get(hashes[hit] ?? "") : undefined;
    if (hitEntry) {
      hitEntry.ttl = hitTtl;
      hitEntry.expiresAt = now + ttlMs[hitTtl];
    }
    const read = hit >= 0 ? (cumulative[hit] ?? 0) : 0;

    let written = 0;
    let longWritten = 0;
    const last = breakpoints.at(-1);
    if (last !== undefined && last > hit && (cumulative[last] ?? 0) >= this.#minimumTokens) {
      let previous = hit;
      for (const breakpoint of breakpoints) {
        if (breakpoint <= hit) continue;
        const block = blocks[breakpoint];
        const ttl = block?.breakpoint ?? "5m";
        const segment = (cumulative[breakpoint] ?? 0) - (previous >= 0 ? (cumulative[previous] ?? 0) : 0);
        written += segment;
        if (ttl === "1h") longWritten += segment;
        this.#entries.set(hashes[breakpoint] ?? "", { expiresAt: now + ttlMs[ttl], ttl });
        previous = breakpoint;
      }
    }
    return {
      inputTokens: total - read - written,
      cacheReadTokens: read,
      cacheWriteTokens: written,
      longCacheWriteTokens: longWritten,
    };
  }
}

/** OpenAI's automatic caching, simplified: the longest previously seen prefix of whole blocks is cached. */
export class AutomaticCacheSimulator {
  readonly #seen = new Map<string, number>();
  readonly #sweeper = new ExpirySweeper();
  readonly #now: () => number;
  readonly #minimumTokens: number;

  constructor(options: PromptCacheOptions) {
    this.#now = options.now;
    this.#minimumTokens = options.minimumTokens ?? 0;
  }

  clear(): void {
    this.#seen.clear();
  }

  /** Returns the cached tokens; the caller reports them inside `prompt_tokens`, as OpenAI does. */
  process(blocks: PromptBlock[]): number {
    const now = this.#now();
    this.#sweeper.sweep(this.#seen, now, (expiresAt) => expiresAt);
    let hash = "";
    let total = 0;
    let cached = 0;
    for (const block of blocks) {
      hash = createHash("sha256").update(hash).update("\u0000").update(block.key).digest("hex");
      total += block.tokens;
      if ((this.#seen.get(hash) ?? 0) > now) cached = total;
      this.#seen.set(hash, now + ttlMs["5m"]);
    }
    return cached >= this.#minimumTokens ? cached : 0;
  }
}
