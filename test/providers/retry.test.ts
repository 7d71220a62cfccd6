import { describe, expect, it } from "vitest";
import {
  backoffMs,
  defaultRetryPolicy,
  retryAfterFromHeaders,
  withRetries,
} from "../../src/adapters/providers/retry.ts";
import { ProviderError } from "../../src/domain/errors.ts";
import { recordingSleep } from "./provider-test-helpers.ts";

const transient = { status: 503, retryable: true, retryAfterMs: undefined, summary: "503 unavailable" };

describe("retry policy", () => {
  it("reads retry-after-ms, retry-after seconds and retry-after dates", () => {
    expect(retryAfterFromHeaders(new Headers({ "retry-after-ms": "250" }))).toBe(250);
    expect(retryAfterFromHeaders(new Headers({ "retry-after": "3" }))).toBe(3000);
    const now = Date.parse("2026-11-24T00:00:00Z");
    expect(retryAfterFromHeaders({ "retry-after": "Tue, 24 Nov 2026 00:00:10 GMT" }, now)).toBe(10_000);
    expect(retryAfterFromHeaders(new Headers())).toBeUndefined();
  });

  it("backs off exponentially with jitter, and caps a server's retry-after", () => {
    const policy = defaultRetryPolicy;
    expect(backoffMs(1, transient, policy, () => 1)).toBe(500);
    expect(backoffMs(3, transient, policy, () => 0)).toBe(1000);
    expect(backoffMs(20, transient, policy, () => 1)).toBe(policy.maxDelayMs);
    expect(backoffMs(1, { ...transient, retryAfterMs: 3_600_000 }, policy, () => 1)).toBe(
      policy.maxRetryAfterMs,
    );
  });

  it("stops at the attempt limit with the last status", async () => {
    const { sleep, waits } = recordingSleep();
    let calls = 0;
    const error = await withRetries(
      async () => {
        calls++;
        throw new Error("boom");
      },
      { provider: "openai", sleep, describe: () => transient, policy: { maxAttempts: 3 } },
    ).catch((caught: unknown) => caught);
    expect(calls).toBe(3);
    expect(waits).toHaveLength(2);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status: 503, retryable: true });
  });

  it("rethrows errors that are not provider failures untouched", async () => {
    const bug = new TypeError("our own bug");
    await expect(
      withRetries(
        async () => {
          throw bug;
        },
        { provider: "anthropic", describe: () => undefined },
      ),
    ).rejects.toBe(bug);
  });

  it("stops waiting when the signal aborts during a backoff", async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const error = await withRetries(
      async () => {
        throw new Error("busy");
      },
      {
        provider: "anthropic",
        signal: controller.signal,
        describe: () => ({ ...transient, retryAfterMs: 30_000 }),
      },
    ).catch((caught: unknown) => caught);
    expect((error as Error).name).toBe("AbortError");
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
