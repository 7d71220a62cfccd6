import { sleep } from "./sleep.ts";
import { scaled } from "./time-scale.ts";

/**
 * Polls `check` until it returns a value, and returns that. `timeoutMs` is the wait on an idle
 * machine, stretched by the machine's time scale.
 */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  options: { timeoutMs?: number; intervalMs?: number; message?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + scaled(options.timeoutMs ?? 20_000);
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${options.message?.() ?? "condition never held"}`);
    await sleep(options.intervalMs ?? 50);
  }
}
