import type { HttpAnswer } from "./http-answer.ts";

/** A POST whose raw body the route reads itself, e.g. to check a signature over its exact bytes. */
export interface WebhookRequest {
  /** Lower-case names, as node:http gives them. */
  headers: Record<string, string | undefined>;
  body: Uint8Array;
}

/** Answers a webhook on the main thread; work that may take long runs after the answer. */
export type WebhookRoute = (request: WebhookRequest) => Promise<HttpAnswer>;

/** Bodies larger than this are refused (413) before anything reads them; GitHub caps payloads at 25 MB. */
export const webhookBodyLimitBytes = 25 * 1024 * 1024;

/** Header values as strings (a repeated header keeps its first value). */
export function plainHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) result[name] = Array.isArray(value) ? value[0] : value;
  return result;
}
