/**
 * How Threadwork paces each Slack Web API method before Slack has to answer 429.
 * Posts are limited per channel (about one per second); other methods per workspace by
 * their tier (https://api.slack.com/apis/rate-limits).
 */

/** One call at a time, at least `intervalMs` after the previous one finished. */
interface SpacingRule {
  kind: "spacing";
  intervalMs: number;
}

/** A token bucket: `perMinute` sustained, up to `burst` at once. */
interface BucketRule {
  kind: "bucket";
  perMinute: number;
  burst: number;
}

type PaceRule = SpacingRule | BucketRule;

export interface RateLimits {
  postIntervalMs: number;
  /** chat.update: at most `burst + perMinute` in any minute stays within Tier 3's 50. */
  edits: BucketRule;
  tier2: BucketRule;
  tier3: BucketRule;
  tier4: BucketRule;
}

export const slackRateLimits: RateLimits = {
  postIntervalMs: 1000,
  edits: { kind: "bucket", perMinute: 45, burst: 4 },
  tier2: { kind: "bucket", perMinute: 20, burst: 20 },
  tier3: { kind: "bucket", perMinute: 50, burst: 50 },
  tier4: { kind: "bucket", perMinute: 100, burst: 100 },
};

const postMethods = new Set(["chat.postMessage", "chat.startStream"]);
const tier2Methods = new Set(["conversations.list"]);
const tier4Methods = new Set([
  "auth.test",
  "chat.appendStream",
  "chat.stopStream",
  "chat.postEphemeral",
  "chat.getPermalink",
  "files.info",
  "users.info",
  "views.open",
  "views.publish",
  "views.update",
]);

export interface CallLane {
  /** Calls with the same key share one queue and one pace; a 429 blocks only its lane. */
  key: string;
  rule: PaceRule;
  /** Queued calls with the same coalescing key are merged into one. */
  coalesceKey: string | undefined;
  merge:
    | ((older: Record<string, unknown>, newer: Record<string, unknown>) => Record<string, unknown>)
    | undefined;
  /** Strict first-in, first-out (posts keep their order in a thread); otherwise priority first. */
  ordered: boolean;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** The latest edit of a message wins: its full content replaces the older one. */
const latestWins = (_older: Record<string, unknown>, newer: Record<string, unknown>) => newer;

/** Two appends to one stream become one append of both texts, in order. */
function appendBoth(older: Record<string, unknown>, newer: Record<string, unknown>) {
  return { ...older, markdown_text: text(older.markdown_text) + text(newer.markdown_text) };
}

function messageKey(params: Record<string, unknown>): string | undefined {
  const channel = params.channel;
  const ts = params.ts;
  if (typeof channel !== "string" || (typeof ts !== "string" && typeof ts !== "number")) return undefined;
  return `${channel}:${String(ts)}`;
}

function threadKey(params: Record<string, unknown>): string | undefined {
  const channel = params.channel_id;
  const thread = params.thread_ts;
  return typeof channel === "string" && typeof thread === "string" ? `${channel}:${thread}` : undefined;
}

function newerStatusKeepsCreation(older: Record<string, unknown>, newer: Record<string, unknown>) {
  const creation = Object.fromEntries(
    Object.entries(older).filter(([key]) => key === "title" || key === "initiator_user_id"),
  );
  return { ...creation, ...newer };
}

function onlyMarkdownAppend(params: Record<string, unknown>): boolean {
  return Object.keys(params).every((key) => key === "channel" || key === "ts" || key === "markdown_text");
}

export function laneFor(method: string, params: Record<string, unknown>, limits: RateLimits): CallLane {
  if (postMethods.has(method)) {
    const channel = typeof params.channel === "string" ? params.channel : "";
    return {
      key: `post:${channel}`,
      rule: { kind: "spacing", intervalMs: limits.postIntervalMs },
      coalesceKey: undefined,
      merge: undefined,
      ordered: true,
    };
  }
  if (method === "chat.update") {
    return {
      key: method,
      rule: limits.edits,
      coalesceKey: messageKey(params),
      merge: latestWins,
      ordered: false,
    };
  }
  if (method === "chat.appendStream" && onlyMarkdownAppend(params)) {
    const key = messageKey(params);
    return { key: method, rule: limits.tier4, coalesceKey: key, merge: appendBoth, ordered: true };
  }
  if (method === "assistant.threads.setStatus") {
    // A newer status of the thread (or its clearing) replaces a queued one.
    const channel = params.channel_id;
    const thread = params.thread_ts;
    const key =
      typeof channel === "string" && typeof thread === "string" ? `${channel}:${thread}` : undefined;
    return { key: method, rule: limits.tier4, coalesceKey: key, merge: latestWins, ordered: false };
  }
  if (method === "agents.sessions.setStatus") {
    // Tier 3. A newer status replaces a queued one; the title and initiator only count when
    // the call creates the session, so a replaced call's are kept.
    return {
      key: method,
      rule: limits.tier3,
      coalesceKey: threadKey(params),
      merge: newerStatusKeepsCreation,
      ordered: false,
    };
  }
  const rule = tier4Methods.has(method)
    ? limits.tier4
    : tier2Methods.has(method)
      ? limits.tier2
      : limits.tier3;
  return { key: method, rule, coalesceKey: undefined, merge: undefined, ordered: false };
}
