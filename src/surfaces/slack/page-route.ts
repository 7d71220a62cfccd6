import type { HttpAnswer } from "./http-answer.ts";

/** A GET whose answer depends on the request: its path and query, and its headers (cookies). */
export interface PageRequest {
  /** Path and query, as the request line gave them. */
  url: string;
  /** Lower-case names, as node:http gives them. */
  headers: Record<string, string | undefined>;
}

/** Answers a GET page (e.g. `/slack/install`) on the main thread, which holds the secrets it needs. */
export type PageRoute = (request: PageRequest) => Promise<HttpAnswer>;
