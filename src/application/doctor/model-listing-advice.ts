import type { ProviderError } from "../../domain/errors.ts";
import type { ProviderName } from "../../domain/model.ts";

/** Why a models list could not be fetched, as far as the error chain tells. */
export type ListingFailureCause =
  | "refused"
  | "unknown-host"
  | "timeout"
  | "certificate"
  | "not-found"
  | "forbidden"
  | "unauthorized"
  | "server-error"
  | "other";

const certificateCodes = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

/** The first `code` (ECONNREFUSED, ENOTFOUND, …) along an error's causes. */
function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[A-Z_]+$/.test(code)) return code;
    const nested = (current as { cause?: unknown; errors?: unknown[] }).cause;
    current = nested ?? (current as { errors?: unknown[] }).errors?.[0];
  }
  return undefined;
}

export function listingFailureCause(failure: ProviderError): ListingFailureCause {
  if (failure.status === 401) return "unauthorized";
  if (failure.status === 403) return "forbidden";
  if (failure.status === 404) return "not-found";
  if (failure.status !== undefined && failure.status >= 500) return "server-error";
  const code = networkCode(failure.cause);
  if (code === "ECONNREFUSED") return "refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "unknown-host";
  if (code && certificateCodes.test(code)) return "certificate";
  if (code === "ETIMEDOUT" || /no answer within/.test(failure.message)) return "timeout";
  return "other";
}

interface ListingPlace {
  provider: ProviderName;
  /** The base URL as shown to people (no credentials), when one is configured. */
  shownBaseUrl: string | undefined;
}

/** What to do about a models list that could not be fetched, naming the real cause. */
export function modelListingFix(failure: ProviderError, place: ListingPlace): string {
  const variable = place.provider === "openai" ? "OPENAI_BASE_URL" : "ANTHROPIC_BASE_URL";
  const server = place.shownBaseUrl ? `${place.shownBaseUrl} (${variable})` : `the ${place.provider} API`;
  const key = place.provider === "openai" ? "OPENAI_API_KEY" : "ANTHROPIC_API_KEY";
  switch (listingFailureCause(failure)) {
    case "refused":
      return place.shownBaseUrl
        ? `nothing answers at ${server}: start the model server (vLLM, Ollama, llama.cpp) or correct ${variable}`
        : `the connection to ${server} was refused: check this machine's proxy and firewall`;
    case "unknown-host":
      return `the host of ${server} is not known here: check the spelling of ${variable} and this machine's DNS`;
    case "timeout":
      return `${server} did not answer in time: check that it is running and reachable from this machine`;
    case "certificate":
      return `${server}'s TLS certificate is not trusted here: use its http:// address on a private network, or give Node the CA with NODE_EXTRA_CA_CERTS`;
    case "not-found":
      return `${server} has no models list there: an OpenAI-compatible base URL usually ends in /v1`;
    case "forbidden":
      return `${key} may not list models; give the key the models permission (start-up does not stop for this)`;
    case "unauthorized":
      return `${server} refused ${key}: set a key it accepts`;
    case "server-error":
      return `${server} failed with ${failure.status}: try again, or check the server's own logs`;
    default:
      return "check the provider's base URL and key; start-up will not stop for this";
  }
}
