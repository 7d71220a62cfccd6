import { describe, expect, it } from "vitest";
import { listingFailureCause, modelListingFix } from "../../src/application/doctor/model-listing-advice.ts";
import { ProviderError } from "../../src/domain/errors.ts";

/** A failure as the SDKs give it: the network error two causes down. */
function failure(options: { status?: number; code?: string; message?: string }): ProviderError {
  const network = options.code
    ? Object.assign(new Error("connect failed"), { code: options.code })
    : undefined;
  const cause = network ? new TypeError("fetch failed", { cause: network }) : undefined;
  return new ProviderError(options.message ?? "listing models failed: Connection error.", {
    retryable: true,
    provider: "openai",
    ...(options.status !== undefined ? { status: options.status } : {}),
    cause: cause ? Object.assign(new Error("Connection error."), { cause }) : undefined,
  });
}

const local = { provider: "openai" as const, shownBaseUrl: "http://127.0.0.1:11434/v1" };

describe("why a models list could not be fetched", () => {
  it("reads the cause from the status or the network code along the causes", () => {
    expect(listingFailureCause(failure({ code: "ECONNREFUSED" }))).toBe("refused");
    expect(listingFailureCause(failure({ code: "ENOTFOUND" }))).toBe("unknown-host");
    expect(listingFailureCause(failure({ code: "SELF_SIGNED_CERT_IN_CHAIN" }))).toBe("certificate");
    expect(listingFailureCause(failure({ message: "listing models got no answer within 10 s" }))).toBe(
      "timeout",
    );
    expect(listingFailureCause(failure({ status: 404 }))).toBe("not-found");
    expect(listingFailureCause(failure({ status: 403 }))).toBe("forbidden");
    expect(listingFailureCause(failure({ status: 502 }))).toBe("server-error");
    expect(listingFailureCause(failure({}))).toBe("other");
  });

  it("names the server and the variable in each fix", () => {
    expect(modelListingFix(failure({ code: "ECONNREFUSED" }), local)).toBe(
      "nothing answers at http://127.0.0.1:11434/v1 (OPENAI_BASE_URL): start the model server (vLLM, Ollama, llama.cpp) or correct OPENAI_BASE_URL",
    );
    expect(modelListingFix(failure({ status: 404 }), local)).toContain("usually ends in /v1");
    expect(modelListingFix(failure({ code: "ENOTFOUND" }), local)).toContain(
      "check the spelling of OPENAI_BASE_URL",
    );
    expect(
      modelListingFix(failure({ code: "ECONNREFUSED" }), { provider: "anthropic", shownBaseUrl: undefined }),
    ).toBe("the connection to the anthropic API was refused: check this machine's proxy and firewall");
  });
});
