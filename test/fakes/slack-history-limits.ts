/** The methods Slack limits for commercially distributed apps not in the Marketplace. */
const historyMethods = new Set(["conversations.replies", "conversations.history"]);

/** Slack's `limit` for those methods: at most (and by default) 15 messages a page. */
export const nonMarketplaceHistoryPageSize = 15;

/**
 * Slack's history limits for a non-Marketplace app (docs.slack.dev, rate limit changes for
 * non-Marketplace apps, 2025): `conversations.replies` and `conversations.history` answer one
 * request a minute per method and workspace, 429 with Retry-After otherwise, and at most 15
 * messages a page.
 */
export class HistoryRateLimit {
  private readonly lastAllowedAt = new Map<string, number>();
  private readonly windowMs: number;

  constructor(options: { windowMs?: number } = {}) {
    this.windowMs = options.windowMs ?? 60_000;
  }

  /** Retry-After in seconds when this call is over the limit; otherwise it counts, and undefined. */
  refusal(method: string, now = Date.now()): number | undefined {
    if (!historyMethods.has(method)) return undefined;
    const last = this.lastAllowedAt.get(method);
    if (last !== undefined && now - last < this.windowMs) {
      return Math.max(1, Math.ceil((last + this.windowMs - now) / 1000));
    }
    this.lastAllowedAt.set(method, now);
    return undefined;
  }

  /** The page size Slack uses for a history call's `limit`. */
  pageSize(method: string, requested: number): number {
    if (!historyMethods.has(method)) return requested;
    return Math.min(requested, nonMarketplaceHistoryPageSize);
  }
}
