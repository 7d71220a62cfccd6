import { WebClient } from "@slack/web-api";
import type { Logger } from "../../logger.ts";
import { toBoltLogger } from "./bolt-logger.ts";
import { retryAfterOf, SlackApiError, slackErrorOf } from "./slack-errors.ts";

export type SlackResponse = Record<string, unknown> & { ok?: boolean };

/** The one way Threadwork calls Slack's Web API. */
export interface SlackApi {
  call(method: string, params: Record<string, unknown>): Promise<SlackResponse>;
}

export interface SlackClientSettings {
  botToken: string;
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

export interface SlackApiOptions {
  client: WebClient;
  logger: Logger;
  /** Attempts after a 429 before giving up on one call. */
  maximumRateLimitRetries?: number;
  sleep?: (milliseconds: number) => Promise<void>;
  now?: () => number;
}

const defaultSleep = (milliseconds: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/**
 * Wraps the WebClient: a 429 blocks only its own method until `Retry-After` has passed,
 * and `ok: false` answers become `SlackApiError`s.
 */
export function createSlackApi(options: SlackApiOptions): SlackApi {
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const maximumRetries = options.maximumRateLimitRetries ?? 3;
  const blockedUntil = new Map<string, number>();

  return {
    async call(method, params) {
      for (let attempt = 0; ; attempt += 1) {
        const wait = (blockedUntil.get(method) ?? 0) - now();
        if (wait > 0) await sleep(wait);
        try {
          const response = (await options.client.apiCall(method, params)) as SlackResponse;
          return response;
        } catch (error) {
          const retryAfter = retryAfterOf(error);
          if (retryAfter !== undefined && attempt < maximumRetries) {
            const until = now() + retryAfter * 1000;
            blockedUntil.set(method, Math.max(blockedUntil.get(method) ?? 0, until));
            options.logger.warn({ method, retryAfter }, "Slack rate limited a method; waiting");
            continue;
          }
          throw new SlackApiError(method, slackErrorOf(error), error);
        }
      }
    },
  };
}
