import type { IncomingMessage } from "node:http";
import { priceTable } from "../../src/domain/pricing.ts";
import type { FakeLlmError } from "./fake-llm-responses.ts";

/** What the fake lists at `GET /v1/models`, per API. */
export interface FakeServedModels {
  anthropic: string[];
  openai: string[];
}

/** By default the fake serves every model with a known price, as the real APIs would list them. */
export function defaultServedModels(): FakeServedModels {
  const served: FakeServedModels = { anthropic: [], openai: [] };
  for (const key of Object.keys(priceTable)) {
    const separator = key.indexOf(":");
    const provider = key.slice(0, separator);
    if (provider === "anthropic" || provider === "openai") served[provider].push(key.slice(separator + 1));
  }
  return served;
}

/** The Anthropic SDK always sends `anthropic-version`; the OpenAI SDK never does. */
export function modelsApiOf(incoming: IncomingMessage): "anthropic" | "openai" {
  return incoming.headers["anthropic-version"] !== undefined || incoming.headers["x-api-key"] !== undefined
    ? "anthropic"
    : "openai";
}

export type ModelsListReply = { body: Record<string, unknown> } | { error: FakeLlmError };

const createdAt = "2026-01-01T00:00:00Z";

/**
 * Anthropic's `GET /v1/models`: needs a key (`x-api-key`, or the bearer `authorization` the
 * SDK sends) and `anthropic-version`, pages with
 * `limit` (1–1000, default 20), `after_id` and `before_id`, and answers
 * `{ data, has_more, first_id, last_id }`.
 */
function anthropicModels(incoming: IncomingMessage, served: string[]): ModelsListReply {
  if (incoming.headers["x-api-key"] === undefined && incoming.headers.authorization === undefined) {
    return { error: { status: 401, type: "authentication_error", message: "x-api-key header is required" } };
  }
  if (incoming.headers["anthropic-version"] === undefined) {
    return {
      error: { status: 400, type: "invalid_request_error", message: "anthropic-version: header is required" },
    };
  }
  const query = new URL(incoming.url ?? "/", "http://fake").searchParams;
  const limit = Number(query.get("limit") ?? "20");
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    return {
      error: { status: 400, type: "invalid_request_error", message: "limit: must be between 1 and 1000" },
    };
  }
  const afterId = query.get("after_id");
  const beforeId = query.get("before_id");
  let start = 0;
  let end = served.length;
  if (afterId !== null) start = served.indexOf(afterId) + 1;
  if (beforeId !== null) end = Math.max(0, served.indexOf(beforeId));
  const page =
    beforeId !== null && afterId === null
      ? served.slice(Math.max(start, end - limit), end)
      : served.slice(start, Math.min(end, start + limit));
  const data = page.map((id) => ({ type: "model", id, display_name: id, created_at: createdAt }));
  const pageStart = served.indexOf(page[0] ?? "");
  const more = beforeId !== null && afterId === null ? pageStart > 0 : pageStart + page.length < end;
  return {
    body: {
      data,
      has_more: page.length > 0 && more,
      first_id: page[0] ?? null,
      last_id: page.at(-1) ?? null,
    },
  };
}

/** OpenAI's (and vLLM's, Ollama's, llama.cpp's) `GET /v1/models`: one unpaged list. */
function openaiModels(served: string[]): ModelsListReply {
  const created = Math.floor(Date.parse(createdAt) / 1000);
  return {
    body: {
      object: "list",
      data: served.map((id) => ({ id, object: "model", created, owned_by: "fake" })),
    },
  };
}

export function modelsListReply(
  api: "anthropic" | "openai",
  incoming: IncomingMessage,
  served: FakeServedModels,
): ModelsListReply {
  return api === "anthropic" ? anthropicModels(incoming, served.anthropic) : openaiModels(served.openai);
}

/** What the real APIs answer a request for a model they do not serve. */
export function modelNotServed(api: "anthropic" | "openai", model: string): FakeLlmError {
  return api === "anthropic"
    ? { status: 404, type: "not_found_error", message: `model: ${model}` }
    : { status: 404, message: `The model \`${model}\` does not exist or you do not have access to it.` };
}
