import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  anthropicErrorBody,
  anthropicMessageBody,
  anthropicPromptBlocks,
  anthropicStreamEvents,
  parseAnthropicRequest,
  type RenderedUsage,
  tooManyBreakpoints,
} from "./fake-llm-anthropic.ts";
import { AutomaticCacheSimulator, PromptCacheSimulator } from "./fake-llm-cache.ts";
import { contextWindowError, fitOutputToWindow } from "./fake-llm-context-window.ts";
import { invalidImages } from "./fake-llm-image-rules.ts";
import {
  defaultServedModels,
  type FakeServedModels,
  modelNotServed,
  modelsApiOf,
  modelsListReply,
} from "./fake-llm-models.ts";
import {
  openaiCompletionBody,
  openaiErrorBody,
  openaiPromptBlocks,
  openaiStreamEvents,
  parseOpenAIRequest,
} from "./fake-llm-openai.ts";
import { asRecord, type FakeLlmRequest, redactHeaders } from "./fake-llm-request.ts";
import { type FakeLlmError, type FakeLlmResponse, outputTokensOf } from "./fake-llm-responses.ts";
import { invalidTools } from "./fake-llm-tool-rules.ts";

export type {
  FakeLlmRequest,
  FakeMessage,
  FakeToolResult,
} from "./fake-llm-request.ts";
export type {
  FakeLlmError,
  FakeLlmResponse,
  FakeStopReason,
  FakeToolCall,
  FakeUsage,
} from "./fake-llm-responses.ts";
export { errorResponse, textResponse, thinkingResponse, toolCallResponse } from "./fake-llm-responses.ts";

/** Answers a request from its content; lets concurrent agents share one server. */
export type FakeLlmResponder = (request: FakeLlmRequest) => FakeLlmResponse | Promise<FakeLlmResponse>;

/** A queued step: a fixed response, or a responder used for that one request. */
export type FakeLlmScriptItem = FakeLlmResponse | FakeLlmResponder;

export interface FakeLlmServerOptions {
  /** Answers requests once the script queue is empty. */
  responder?: FakeLlmResponder;
  /** Added before every response. */
  latencyMs?: number;
  /** Share (0..1) of requests failed with `failureStatus` before the script is consulted. */
  failureRate?: number;
  /** Default 529 on Anthropic, 500 on OpenAI. */
  failureStatus?: number;
  /** Seed of the failure-rate random numbers (default 1). */
  seed?: number;
  /** Clock for cache TTLs and `receivedAt`; defaults to `Date.now`. */
  now?: () => number;
  /** Prefixes shorter than this are not cached (real Anthropic: 1024+); default 0. */
  minimumCacheableTokens?: number;
  /** Report OpenAI `cached_tokens` for repeated prefixes (default true). */
  openaiCache?: boolean;
  /** Keep every request in `requests` (default true); benchmarks turn it off to save memory. */
  recordRequests?: boolean;
  /**
   * What `GET /v1/models` lists per API. An API given here is strict, as the real services
   * are: a request for any other model gets their 404. Unset, the fake lists every model
   * with a known price and accepts any model name.
   */
  models?: Partial<FakeServedModels>;
  /** Fails `GET /v1/models` with this status, e.g. 404 for a proxy without the route, 401 for a refused key. */
  modelsListStatus?: number;
  /**
   * The model's context window in (approximate) tokens. A longer prompt is refused as the real
   * API refuses it, before any scripted response is used; an output that would run past it is cut.
   */
  contextWindow?: number;
}

export interface FakeUsageTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface FakeLlmServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** For the Anthropic SDK's `baseURL`. */
  anthropicBaseUrl: string;
  /** For the OpenAI SDK's `baseURL` (`…/v1`). */
  openaiBaseUrl: string;
  /** Queues responses, answered in order before the responder is asked. */
  script(...items: FakeLlmScriptItem[]): void;
  /** Sets (or clears) the responder used once the queue is empty. */
  respondWith(responder: FakeLlmResponder | undefined): void;
  /** Changes latency, failure rate, failure status or the context window while running. */
  configure(
    options: Pick<FakeLlmServerOptions, "latencyMs" | "failureRate" | "failureStatus" | "contextWindow">,
  ): void;
  /** Scripted responses not yet used. */
  pending(): number;
  /** Requests the server is holding right now for their latency: model calls in flight. */
  heldForLatency(): number;
  /** Every request received, in order (model lists are counted in `modelListings` instead). */
  readonly requests: FakeLlmRequest[];
  /** `GET /v1/models` requests received, per API. */
  modelListings(api: "anthropic" | "openai"): number;
  /** Usage the server reported, summed per API (successful responses only). */
  usageTotals(api: "anthropic" | "openai"): FakeUsageTotals;
  clearCache(): void;
  close(): Promise<void>;
}

/** Prompt tokens as the simulated usage counts them: every block of tools, system and messages. */
function promptTokensOf(api: "anthropic" | "openai", body: Record<string, unknown>): number {
  const blocks = api === "anthropic" ? anthropicPromptBlocks(body) : openaiPromptBlocks(body);
  return blocks.reduce((sum, block) => sum + block.tokens, 0);
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const emptyTotals = (): FakeUsageTotals => ({
  requests: 0,
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
});

/** A scripted fake of Anthropic's Messages API and OpenAI's Chat Completions on loopback. */
export async function startFakeLlmServer(options: FakeLlmServerOptions = {}): Promise<FakeLlmServer> {
  const settings = { ...options };
  const now = options.now ?? Date.now;
  const random = seededRandom(options.seed ?? 1);
  const queue: FakeLlmScriptItem[] = [];
  const requests: FakeLlmRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const totals = { anthropic: emptyTotals(), openai: emptyTotals() };
  const promptCache = new PromptCacheSimulator({ now, minimumTokens: options.minimumCacheableTokens });
  const automaticCache = new AutomaticCacheSimulator({ now, minimumTokens: options.minimumCacheableTokens });
  let responder = options.responder;
  let counter = 0;
  const served: FakeServedModels = { ...defaultServedModels(), ...options.models };
  const listings = { anthropic: 0, openai: 0 };

  const wait = (milliseconds: number, response: ServerResponse) =>
    new Promise<void>((resolve) => {
      if (milliseconds <= 0) return resolve();
      const timer = setTimeout(() => {
        timers.delete(timer);
        response.off("close", done);
        resolve();
      }, milliseconds);
      // A client that gave up (aborted) frees the request at once.
      const done = () => {
        clearTimeout(timer);
        timers.delete(timer);
        resolve();
      };
      response.once("close", done);
      timers.add(timer);
    });

  function sendError(
    api: "anthropic" | "openai",
    response: ServerResponse,
    error: FakeLlmError,
    requestId: string,
  ): void {
    const headers: Record<string, string> = { "content-type": "application/json", "request-id": requestId };
    if (error.retryAfterSeconds !== undefined) headers["retry-after"] = String(error.retryAfterSeconds);
    if (error.retryAfterMs !== undefined) headers["retry-after-ms"] = String(error.retryAfterMs);
    if (api === "anthropic") headers["x-should-retry"] = String(error.status === 429 || error.status >= 500);
    const body = api === "anthropic" ? anthropicErrorBody(error, requestId) : openaiErrorBody(error);
    response.writeHead(error.status, headers).end(JSON.stringify(body));
  }

  async function nextResponse(request: FakeLlmRequest): Promise<FakeLlmResponse> {
    const item = queue.shift();
    if (typeof item === "function") return item(request);
    if (item) return item;
    if (responder) return responder(request);
    return {
      error: { status: 400, message: "fake LLM server: no scripted response left and no responder set" },
    };
  }

  function simulatedUsage(
    api: "anthropic" | "openai",
    body: Record<string, unknown>,
    reply: FakeLlmResponse,
  ) {
    let usage: RenderedUsage;
    if (api === "anthropic") {
      const outcome = promptCache.process(anthropicPromptBlocks(body));
      usage = { ...outcome, outputTokens: outputTokensOf(reply) };
    } else {
      const blocks = openaiPromptBlocks(body);
      const total = blocks.reduce((sum, block) => sum + block.tokens, 0);
      const cached = settings.openaiCache === false ? 0 : automaticCache.process(blocks);
      usage = {
        inputTokens: total - cached,
        cacheReadTokens: cached,
        cacheWriteTokens: 0,
        longCacheWriteTokens: 0,
        outputTokens: outputTokensOf(reply),
      };
    }
    const override = reply.usage ?? {};
    return {
      inputTokens: override.inputTokens ?? usage.inputTokens,
      outputTokens: override.outputTokens ?? usage.outputTokens,
      cacheReadTokens: override.cacheReadTokens ?? usage.cacheReadTokens,
      cacheWriteTokens: override.cacheWriteTokens ?? usage.cacheWriteTokens,
      longCacheWriteTokens: Math.min(
        usage.longCacheWriteTokens,
        override.cacheWriteTokens ?? usage.cacheWriteTokens,
      ),
    };
  }

  async function writeEvents(response: ServerResponse, events: string[], delayMs: number, drop: boolean) {
    response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    for (const event of events) {
      if (response.destroyed) return;
      response.write(event);
      if (delayMs > 0) await wait(delayMs, response);
    }
    if (drop) {
      await new Promise<void>((resolve) => response.write("", () => resolve()));
      response.socket?.destroy();
      return;
    }
    response.end();
  }

  async function handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (incoming.url ?? "/").split("?")[0] ?? "/";
    const api =
      path === "/v1/messages" ? "anthropic" : path === "/v1/chat/completions" ? "openai" : undefined;
    counter += 1;
    const requestId = `req_fake_${counter}`;
    if (incoming.method === "GET" && path === "/v1/models") {
      const modelsApi = modelsApiOf(incoming);
      listings[modelsApi] += 1;
      await wait(settings.latencyMs ?? 0, response);
      if (response.destroyed) return;
      const reply =
        options.modelsListStatus === undefined
          ? modelsListReply(modelsApi, incoming, served)
          : { error: { status: options.modelsListStatus } };
      if ("error" in reply) sendError(modelsApi, response, reply.error, requestId);
      else {
        response.writeHead(200, { "content-type": "application/json", "request-id": requestId });
        response.end(JSON.stringify(reply.body));
      }
      return;
    }
    if (incoming.method !== "POST" || api === undefined) {
      const fallback = path.includes("chat") ? "openai" : "anthropic";
      sendError(fallback, response, { status: 404, message: `fake LLM server: no route ${path}` }, requestId);
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = asRecord(JSON.parse(await readBody(incoming)));
    } catch {
      sendError(api, response, { status: 400, message: "fake LLM server: body is not JSON" }, requestId);
      return;
    }
    const parsed = api === "anthropic" ? parseAnthropicRequest(body) : parseOpenAIRequest(body);
    const promptTokens = promptTokensOf(api, body);
    const request: FakeLlmRequest = {
      api,
      path,
      headers: redactHeaders(incoming.headers),
      body,
      receivedAt: now(),
      promptTokens,
      ...parsed,
    };
    if (options.recordRequests !== false) requests.push(request);
    if (options.models?.[api] !== undefined && !served[api].includes(request.model)) {
      sendError(api, response, modelNotServed(api, request.model), requestId);
      return;
    }
    const refused =
      invalidTools(api, body) ??
      invalidImages(api, body) ??
      (api === "anthropic" ? tooManyBreakpoints(body) : undefined);
    if (refused) {
      sendError(api, response, refused, requestId);
      return;
    }
    const window = settings.contextWindow;
    const tooLong = window === undefined ? undefined : contextWindowError(api, promptTokens, window, body);
    if (tooLong) {
      await wait(settings.latencyMs ?? 0, response);
      if (!response.destroyed) sendError(api, response, tooLong, requestId);
      return;
    }

    if (settings.failureRate && random() < settings.failureRate) {
      await wait(settings.latencyMs ?? 0, response);
      const status = settings.failureStatus ?? (api === "anthropic" ? 529 : 500);
      if (!response.destroyed) sendError(api, response, { status }, requestId);
      return;
    }
    const scripted = await nextResponse(request);
    const reply = window === undefined ? scripted : fitOutputToWindow(api, scripted, window - promptTokens);
    await wait((settings.latencyMs ?? 0) + (reply.delayMs ?? 0), response);
    if (response.destroyed) return;
    if (reply.disconnect === "before-response") {
      incoming.socket.destroy();
      return;
    }
    if (reply.error) {
      sendError(api, response, reply.error, requestId);
      return;
    }
    if (reply.malformed) {
      const type = request.stream ? "text/event-stream" : "application/json";
      response.writeHead(200, { "content-type": type, "request-id": requestId });
      response.end(
        request.stream ? 'event: message_start\ndata: {"type": "message_start", "mess\n\n' : '{"id": "msg_',
      );
      return;
    }
    const usage = simulatedUsage(api, body, reply);
    const total = totals[api];
    total.requests += 1;
    total.inputTokens += usage.inputTokens;
    total.outputTokens += usage.outputTokens;
    total.cacheReadTokens += usage.cacheReadTokens;
    total.cacheWriteTokens += usage.cacheWriteTokens;
    let toolCounter = 0;
    const context = {
      id: api === "anthropic" ? `msg_fake_${counter}` : `chatcmpl-fake-${counter}`,
      model: request.model,
      created: Math.floor(now() / 1000),
      usage,
      toolId: () => `${api === "anthropic" ? "toolu" : "call"}_fake_${counter}_${toolCounter++}`,
    };
    if (!request.stream) {
      const payload =
        api === "anthropic" ? anthropicMessageBody(reply, context) : openaiCompletionBody(reply, context);
      response.writeHead(200, { "content-type": "application/json", "request-id": requestId });
      response.end(JSON.stringify(payload));
      return;
    }
    const includeUsage = asRecord(body.stream_options).include_usage === true;
    const events =
      api === "anthropic"
        ? anthropicStreamEvents(reply, context)
        : openaiStreamEvents(reply, context, includeUsage);
    // Cut just after the first text delta, as a dropped connection would.
    const sent = reply.disconnect === "mid-stream" ? events.slice(0, api === "anthropic" ? 4 : 2) : events;
    await writeEvents(response, sent, reply.chunkDelayMs ?? 0, reply.disconnect === "mid-stream");
  }

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      response.writeHead(500, { "content-type": "application/json" });
      response.end(JSON.stringify({ type: "error", error: { type: "api_error", message } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    anthropicBaseUrl: url,
    openaiBaseUrl: `${url}/v1`,
    requests,
    script: (...items) => {
      queue.push(...items);
    },
    respondWith: (next) => {
      responder = next;
    },
    configure: (changes) => {
      Object.assign(settings, changes);
    },
    pending: () => queue.length,
    heldForLatency: () => timers.size,
    modelListings: (api) => listings[api],
    usageTotals: (api) => ({ ...totals[api] }),
    clearCache: () => {
      promptCache.clear();
      automaticCache.clear();
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
