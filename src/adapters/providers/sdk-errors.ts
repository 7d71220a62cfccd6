import { type FailureDescription, isRetryableStatus, retryAfterFromHeaders } from "./retry.ts";

/** The error classes both SDKs (generated from the same template) export. */
export interface SdkErrorClasses {
  APIError: abstract new (
    ...parameters: never[]
  ) => Error & {
    status: number | undefined;
    headers: Headers | undefined;
    type?: string | null | undefined;
  };
  APIConnectionError: abstract new (...parameters: never[]) => Error;
  APIUserAbortError: abstract new (...parameters: never[]) => Error;
}

// Error types a provider sends inside a stream that has already started (no HTTP status then).
const retryableStreamErrorTypes = new Set([
  "overloaded_error",
  "api_error",
  "rate_limit_error",
  "timeout_error",
  "server_error",
  "rate_limit_exceeded",
]);

function shorten(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** A stream that closed before its final event: the connection broke somewhere on the way. */
export class StreamEndedEarlyError extends Error {
  constructor() {
    super("the response stream ended before its final event");
    this.name = "StreamEndedEarlyError";
  }
}

const networkErrorCodes = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "UND_ERR_SOCKET"]);

/** A connection that broke while a streamed body was being read surfaces from fetch, not the SDK. */
function isBrokenConnection(error: unknown): error is Error {
  if (error instanceof StreamEndedEarlyError) return true;
  if (!(error instanceof TypeError)) return false;
  const cause = error.cause as { code?: unknown } | undefined;
  return error.message === "terminated" || networkErrorCodes.has(String(cause?.code));
}

/** Classifies an SDK error for the retry policy; `undefined` for anything that is not an SDK error. */
export function describeSdkError(error: unknown, classes: SdkErrorClasses): FailureDescription | undefined {
  if (error instanceof classes.APIUserAbortError) return undefined;
  if (error instanceof classes.APIConnectionError || isBrokenConnection(error)) {
    return {
      status: undefined,
      retryable: true,
      retryAfterMs: undefined,
      summary: `connection error: ${shorten(error.message)}`,
    };
  }
  if (!(error instanceof classes.APIError)) return undefined;
  const type = error.type ?? undefined;
  const retryable =
    error.status === undefined
      ? type !== undefined && retryableStreamErrorTypes.has(type)
      : isRetryableStatus(error.status);
  return {
    status: error.status,
    retryable,
    retryAfterMs: retryAfterFromHeaders(error.headers),
    summary: shorten(error.message),
  };
}
