import { ServerSetupError } from "./server-setup-error.ts";

export interface RestartPolicy {
  /** Starts tried for one call before the server is reported unavailable. */
  attempts: number;
  /** The wait after the first failed start; it doubles after each further one. */
  initialDelayMs: number;
  /** No new attempt begins past this much time since the first: slow failures (timeouts) are not repeated for long. */
  totalMs?: number;
}

export const defaultRestartPolicy: RestartPolicy = { attempts: 3, initialDelayMs: 500, totalMs: 45_000 };

/**
 * Runs `start` until it succeeds, waiting longer between consecutive failures. A
 * `ServerSetupError` is thrown at once: trying again cannot help. Throws the last failure.
 */
export async function startWithBackoff<T>(
  start: (attempt: number) => Promise<T>,
  policy: RestartPolicy,
  sleep: (ms: number) => Promise<void>,
): Promise<T> {
  let delay = policy.initialDelayMs;
  const startedAt = Date.now();
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start(attempt);
    } catch (error) {
      if (error instanceof ServerSetupError || attempt >= policy.attempts) throw error;
      if (Date.now() - startedAt + delay >= (policy.totalMs ?? Number.POSITIVE_INFINITY)) throw error;
    }
    await sleep(delay);
    delay *= 2;
  }
}
