import { setTimeout as delay } from "node:timers/promises";
import { ContextWindowExceededError, errorMessage, ProviderError } from "../../domain/errors.ts";
import type { ProviderName } from "../../domain/model.ts";

export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `retry-after` longer than this is cut down to it. */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
};

/** What the adapter learned from a failed attempt. */
export interface FailureDescription {
  status: number | undefined;
  retryable: boolean;
  /** The server's `retry-after` / `retry-after-ms`, in milliseconds. */
  retryAfterMs: number | undefined;
  /** A short description with no secrets, e.g. `529 overloaded_error: Overloaded`. */
  summary: string;
  /** Set when the request was longer than the model's context window, with the window named if any. */
  contextWindow?: { limitTokens: number | undefined };
}

export type Sleep = (milliseconds: number, signal?: AbortSignal) => Promise<void>;

export interface RetryLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

interface RetryOptions {
  provider: ProviderName;
  policy?: Partial<RetryPolicy>;
  signal?: AbortSignal;
  sleep?: Sleep;
  logger?: RetryLogger;
  random?: () => number;
  /** Describes an error thrown by the SDK; `undefined` means it is not a provider failure: rethrow it. */
  describe: (error: unknown) => FailureDescription | undefined;
  /** Asked before each retry; false when the attempt already had effects (streamed text). */
  canRetry?: () => boolean;
}

/** The retry settings both provider adapters take. */
export interface ProviderRetrySettings {
  /** Retries after the first attempt (default 5, so 6 attempts in all). */
  maxRetries?: number;
  retryPolicy?: Partial<RetryPolicy>;
  logger?: RetryLogger;
  sleep?: Sleep;
}

/** `withRetries` options for one turn of an adapter configured with `settings`. */
export function turnRetryOptions(
  provider: ProviderName,
  settings: ProviderRetrySettings,
  turn: Pick<RetryOptions, "signal" | "describe" | "canRetry">,
): RetryOptions {
  return {
    provider,
    policy: {
      ...settings.retryPolicy,
      ...(settings.maxRetries === undefined ? {} : { maxAttempts: settings.maxRetries + 1 }),
    },
    sleep: settings.sleep,
    logger: settings.logger,
    ...turn,
  };
}

const defaultSleep: Sleep = async (milliseconds, signal) => {
  await delay(milliseconds, undefined, signal ? { signal } : undefined);
};

/** The error a cancelled turn rejects with: the signal's reason, or an `AbortError`. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new DOMException("The model turn was aborted", "AbortError");
}

/** Status codes worth another attempt: rate limits, overload, server faults, timeouts. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Reads `retry-after-ms` (milliseconds) or `retry-after` (seconds or an HTTP date). */
export function retryAfterFromHeaders(
  headers: Headers | Record<string, unknown> | undefined,
  now = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const read = (name: string): string | undefined => {
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    const value = headers[name];
    return typeof value === "string" ? value : undefined;
  };
  const milliseconds = Number.parseFloat(read("retry-after-ms") ?? "");
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const text = read("retry-after");
  if (text === undefined) return undefined;
  const seconds = Number.parseFloat(text);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** Exponential backoff with jitter in [half, full] of the step; a server's `retry-after` wins, capped. */
export function backoffMs(
  attempt: number,
  failure: FailureDescription,
  policy: RetryPolicy,
  random: () => number,
): number {
  if (failure.retryAfterMs !== undefined) return Math.min(failure.retryAfterMs, policy.maxRetryAfterMs);
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(step * (0.5 + random() * 0.5));
}

/**
 * Runs one provider call with the single retry policy shared by every adapter.
 * The SDKs' own retries are off, so this is the only place that retries.
 */
export async function withRetries<Result>(
  operation: (attempt: number) => Promise<Result>,
  options: RetryOptions,
): Promise<Result> {
  const policy = { ...defaultRetryPolicy, ...options.policy };
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const signal = options.signal;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw abortError(signal);
    try {
      return await operation(attempt);
    } catch (error) {
      if (signal?.aborted) throw abortError(signal);
      const failure = options.describe(error);
      if (!failure) throw error;
      if (failure.contextWindow) {
        throw new ContextWindowExceededError(`${options.provider} request too long: ${failure.summary}`, {
          provider: options.provider,
          status: failure.status,
          cause: error,
          limitTokens: failure.contextWindow.limitTokens,
        });
      }
      const allowed = options.canRetry?.() ?? true;
      if (!failure.retryable || !allowed || attempt >= policy.maxAttempts) {
        const why = !failure.retryable
          ? ""
          : !allowed
            ? " (output already streamed)"
            : ` after ${attempt} attempts`;
        throw new ProviderError(`${options.provider} request failed${why}: ${failure.summary}`, {
          provider: options.provider,
          status: failure.status,
          retryable: failure.retryable,
          cause: error,
        });
      }
      const waitMs = backoffMs(attempt, failure, policy, random);
      options.logger?.warn(
        {
          provider: options.provider,
          attempt,
          status: failure.status ?? null,
          waitMs,
          failure: failure.summary,
        },
        "model provider request failed; retrying",
      );
      try {
        await sleep(waitMs, signal);
      } catch (sleepError) {
        if (signal?.aborted) throw abortError(signal);
        throw new ProviderError(`${options.provider} retry wait failed: ${errorMessage(sleepError)}`, {
          provider: options.provider,
          retryable: true,
          cause: sleepError,
        });
      }
    }
  }
}
