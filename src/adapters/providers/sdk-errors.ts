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

// How providers word a prompt longer than the window: Anthropic, OpenAI and vLLM, llama.cpp.
const contextWindowMessages = [
  /prompt is too long/i,
  /input length and `?max_tokens`? exceed context limit/i,
  /maximum context length is/i,
  /exceeds? the available context size/i,
];
const contextWindowLimits = [
  /> ?(\d+) maximum/,
  /maximum context length is (\d+)/i,
  /context size \((\d+) tokens\)/i,
];

/**
 * Whether a refused request was longer than the model's context window, and the window the
 * provider named. OpenAI says so with `code: "context_length_exceeded"`; Anthropic (whose SDK
 * advises against matching messages, but has no code for this) and local servers only in words.
 */
export function contextWindowFailure(
  status: number | undefined,
  code: unknown,
  message: string,
): { limitTokens: number | undefined } | undefined {
  if (status !== undefined && status !== 400 && status !== 413) return undefined;
  const matches =
    code === "context_length_exceeded" ||
    code === "exceed_context_size_error" ||
    contextWindowMessages.some((pattern) => pattern.test(message));
  if (!matches) return undefined;
  for (const pattern of contextWindowLimits) {
    const limit = Number(pattern.exec(message)?.[1]);
    if (Number.isSafeInteger(limit) && limit > 0) return { limitTokens: limit };
  }
  return { limitTokens: undefined };
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
  const contextWindow = contextWindowFailure(
    error.status,
    (error as { code?: unknown }).code ?? type,
    error.message,
  );
  return {
    status: error.status,
    retryable: retryable && contextWindow === undefined,
    retryAfterMs: retryAfterFromHeaders(error.headers),
    summary: shorten(error.message),
    ...(contextWindow ? { contextWindow } : {}),
  };
}
