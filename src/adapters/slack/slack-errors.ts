import { ThreadworkError } from "../../domain/errors.ts";

/** A Slack Web API call failed after retries, or Slack refused it (`ok: false`). */
export class SlackApiError extends ThreadworkError {
  readonly method: string;
  /** Slack's own error string, e.g. `invalid_blocks`, `ratelimited`, or `http_500`. */
  readonly slackError: string;
  constructor(method: string, slackError: string, cause?: unknown) {
    super("slack_call_failed", `Slack ${method} failed: ${slackError}`, {
      category: "third_party",
      cause,
      details: { method, slackError },
    });
    this.name = "SlackApiError";
    this.method = method;
    this.slackError = slackError;
  }
}

interface CodedLike {
  code?: unknown;
  data?: { error?: unknown };
  statusCode?: unknown;
  retryAfter?: unknown;
}

/** Slack's error string for any error the WebClient throws. */
export function slackErrorOf(error: unknown): string {
  if (error instanceof SlackApiError) return error.slackError;
  if (typeof error !== "object" || error === null) return "unknown_error";
  const coded = error as CodedLike;
  if (typeof coded.data?.error === "string") return coded.data.error;
  if (coded.code === "slack_webapi_rate_limited_error") return "ratelimited";
  if (typeof coded.statusCode === "number") return `http_${coded.statusCode}`;
  if (typeof coded.code === "string") return coded.code;
  return "unknown_error";
}

/** Seconds to wait when the WebClient rejected a call because of a 429, else undefined. */
export function retryAfterOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const coded = error as CodedLike;
  if (coded.code !== "slack_webapi_rate_limited_error") return undefined;
  return typeof coded.retryAfter === "number" ? coded.retryAfter : 1;
}
