import { WebClient } from "@slack/web-api";
import { toBoltLogger } from "../../adapters/slack/bolt-logger.ts";
import { normalizeApiUrl } from "../../adapters/slack/slack-api.ts";
import { retryAfterOf, slackErrorOf } from "../../adapters/slack/slack-errors.ts";
import { displayUrl } from "../../domain/display-url.ts";
import { createLogger } from "../../logger.ts";
import { SetupError } from "./setup-error.ts";

export type SlackAnswer = Record<string, unknown> & {
  ok?: boolean;
  error?: string;
  errors?: { pointer?: string; message?: string }[];
  response_metadata?: { scopes?: string[] };
};

export interface SlackCaller {
  call(method: string, params?: Record<string, unknown>): Promise<SlackAnswer>;
}

interface CallerSettings {
  token: string;
  apiUrl: string | undefined;
  /** What the token is, for messages: "the app configuration token". */
  tokenName: string;
  /** What to do about a refused token. */
  tokenFix: string;
  /** 429s waited out before giving up. */
  rateLimitRetries?: number;
  wait?: (seconds: number) => Promise<void>;
  /** Told before each wait, so the user knows why nothing happens. */
  onWait?: (method: string, seconds: number) => void;
}

const refusedToken = new Set([
  "invalid_auth",
  "not_authed",
  "token_expired",
  "token_revoked",
  "account_inactive",
]);

const tokenWords: Record<string, string> = {
  invalid_auth: "is not valid",
  not_authed: "was not sent",
  token_expired: "has expired",
  token_revoked: "was revoked",
  account_inactive: "belongs to a deactivated user or workspace",
};

function networkCause(error: unknown): string {
  const original = (
    error as { original?: { message?: string; code?: string; cause?: { code?: string; message?: string } } }
  ).original;
  return (
    original?.cause?.code ?? original?.code ?? original?.cause?.message ?? original?.message ?? "no answer"
  );
}

/**
 * A WebClient for one token that turns every failure into one clear line: a refused token names
 * the fix, a 429 is waited out (Retry-After) a few times, a network failure names where Slack was sought.
 */
export function createSlackCaller(settings: CallerSettings): SlackCaller {
  const apiUrl = normalizeApiUrl(settings.apiUrl);
  const client = new WebClient(settings.token, {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    logger: toBoltLogger(createLogger({ level: "silent", environment: "production" })),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: 30_000,
  });
  const retries = settings.rateLimitRetries ?? 2;
  const wait =
    settings.wait ??
    ((seconds: number) => new Promise<void>((resolve) => setTimeout(resolve, seconds * 1000)));
  const where = `Slack at ${displayUrl(apiUrl ?? "https://slack.com/api/")}`;

  return {
    async call(method, params = {}) {
      for (let attempt = 0; ; attempt += 1) {
        try {
          return (await client.apiCall(method, params)) as SlackAnswer;
        } catch (error) {
          const retryAfter = retryAfterOf(error);
          if (retryAfter !== undefined) {
            if (attempt < retries) {
              settings.onWait?.(method, retryAfter);
              await wait(retryAfter);
              continue;
            }
            throw new SetupError(
              "setup_rate_limited",
              `Slack is rate limiting ${method} (it asked to wait ${retryAfter} s, ${retries + 1} times): wait a minute, then run npm run setup again`,
              error,
            );
          }
          const code = (error as { code?: unknown }).code;
          if (code === "slack_webapi_request_error")
            throw new SetupError(
              "setup_network",
              `Could not reach ${where} for ${method} (${networkCause(error)}): check the network${settings.apiUrl ? " and SLACK_API_URL" : ""}, then run npm run setup again`,
              error,
            );
          const reason = slackErrorOf(error);
          if (refusedToken.has(reason))
            throw new SetupError(
              "setup_token_refused",
              `Slack refused ${settings.tokenName} (${reason}: it ${tokenWords[reason]}): ${settings.tokenFix}`,
              error,
            );
          const data = (error as { data?: SlackAnswer }).data;
          if (data && typeof data === "object") return data;
          throw new SetupError("setup_slack_failed", `${where} failed ${method}: ${reason}`, error);
        }
      }
    },
  };
}
