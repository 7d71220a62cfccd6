import { WebClient } from "@slack/web-api";
import type { TeamScope } from "../../domain/team-scope.ts";
import { noTelemetry, type SlackTelemetry } from "../../domain/telemetry-port.ts";
import type { Logger } from "../../logger.ts";
import { toBoltLogger } from "./bolt-logger.ts";
import { CallPacer, type CallPriority } from "./call-pacer.ts";
import type { RateLimits } from "./rate-limit-policy.ts";
import { retryAfterOf, SlackApiError, slackErrorOf } from "./slack-errors.ts";

type SlackResponse = Record<string, unknown> & { ok?: boolean };

/** The one way Threadwork calls Slack's Web API. */
export interface SlackApi {
  call(method: string, params: Record<string, unknown>, options?: SlackCallOptions): Promise<SlackResponse>;
  /** Calls waiting for Slack's pace or in flight: for shutdown and the queue-depth metric. */
  pending?(): number;
}

interface SlackClientSettings {
  /** Absent for a client whose every call names its installation's token. */
  botToken: string | undefined;
  /** Web API base, e.g. `https://slack-gov.com/api/`; a missing trailing slash is added. */
  apiUrl?: string | undefined;
  logger: Logger;
}

export function normalizeApiUrl(apiUrl: string | undefined): string | undefined {
  if (apiUrl === undefined) return undefined;
  return apiUrl.endsWith("/") ? apiUrl : `${apiUrl}/`;
}

/**
 * WebClient options shared by Bolt's client and ours. The WebClient's own 429 handling
 * pauses its whole queue, so one rate-limited method would stall every other call:
 * it rejects instead, and `createSlackApi` waits per method. 5xx and network errors
 * are retried briefly by the WebClient itself.
 */
export function webClientOptions(settings: Omit<SlackClientSettings, "botToken">) {
  const slackApiUrl = normalizeApiUrl(settings.apiUrl);
  return {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    logger: toBoltLogger(settings.logger),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000, randomize: false },
    timeout: 15_000,
  };
}

export function createSlackWebClient(settings: SlackClientSettings): WebClient {
  return new WebClient(settings.botToken, webClientOptions(settings));
}

export interface SlackCallOptions {
  /** `background` for edits that may wait behind others (the crew board). */
  priority?: CallPriority;
  /**
   * `fail`: a 429 (this call's, or one its method is waiting out) rejects it at once with
   * `ratelimited` instead of waiting for Retry-After, for calls a person should not wait on.
   */
  ifRateLimited?: "wait" | "fail";
  /**
   * The installation the call acts for. With many installations it picks the token and is
   * required; with one bot token it is ignored.
   */
  scope?: TeamScope | undefined;
}

interface SlackApiOptions {
  client: WebClient;
  logger: Logger;
  /** This call's own 429s before giving up on it; waiting behind other calls does not count. */
  maximumRateLimitRetries?: number;
  /** Pace per method and channel; Slack's published limits by default. */
  limits?: RateLimits;
  now?: () => number;
  setTimer?: (callback: () => void, milliseconds: number) => void;
  /** Calls, 429s and pacing delays, for metrics. */
  telemetry?: SlackTelemetry;
}

/**
 * Wraps the WebClient: calls are paced per channel (posts) and per method tier (the rest)
 * so Slack rarely answers 429; a 429 blocks only its own lane until `Retry-After` has
 * passed; and `ok: false` answers become `SlackApiError`s.
 */
export function createSlackApi(options: SlackApiOptions): SlackApi {
  const telemetry = options.telemetry ?? noTelemetry;
  const clock = options.now ?? Date.now;
  const pacer = new CallPacer({
    async execute(method, params) {
      const startedAt = clock();
      try {
        const response = await options.client.apiCall(method, params);
        telemetry.slackCall(method, "ok", (clock() - startedAt) / 1000);
        return response;
      } catch (error) {
        const outcome = retryAfterOf(error) === undefined ? "error" : "rate_limited";
        telemetry.slackCall(method, outcome, (clock() - startedAt) / 1000);
        throw error;
      }
    },
    retryAfterOf,
    onRateLimited: (method, retryAfter) => {
      telemetry.slackRateLimited(method, retryAfter);
      options.logger.warn({ method, retryAfter }, "Slack rate limited a method; waiting");
    },
    onSend: (method, waitedMs) => telemetry.slackPaced(method, waitedMs / 1000),
    limits: options.limits,
    maximumRateLimitRetries: options.maximumRateLimitRetries,
    now: options.now,
    setTimer: options.setTimer,
  });

  return {
    pending: () => pacer.pending(),
    async call(method, params, callOptions) {
      try {
        return (await pacer.call(
          method,
          params,
          callOptions?.priority,
          callOptions?.ifRateLimited === "fail",
        )) as SlackResponse;
      } catch (error) {
        if (error instanceof SlackApiError) throw error;
        throw new SlackApiError(method, slackErrorOf(error), error);
      }
    },
  };
}
