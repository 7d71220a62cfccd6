import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface LimitedCall {
  method: string;
  channel: string | undefined;
  /** Milliseconds since the proxy started. */
  at: number;
  status: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export interface SlackLimits {
  /** chat.postMessage and chat.startStream per channel: Slack allows about 1 per second, short bursts. */
  postsPerSecondPerChannel: number;
  postBurst: number;
  /** chat.update for the whole workspace: Tier 3, 50+ per minute. */
  editsPerMinute: number;
}

export const slackLimits: SlackLimits = { postsPerSecondPerChannel: 1, postBurst: 3, editsPerMinute: 50 };

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function channelOf(body: Buffer, contentType: string): string | undefined {
  const text = body.toString("utf8");
  if (contentType.includes("application/json")) {
    try {
      const parsed = JSON.parse(text) as { channel?: unknown; channel_id?: unknown };
      const channel = parsed.channel ?? parsed.channel_id;
      return typeof channel === "string" ? channel : undefined;
    } catch {
      return undefined;
    }
  }
  const params = new URLSearchParams(text);
  return params.get("channel") ?? params.get("channel_id") ?? undefined;
}

/**
 * A proxy in front of the fake Slack Web API that enforces Slack's simple rate limits with
 * token buckets, answers 429 with Retry-After when one is empty, and records every call.
 */
export class RateLimitedSlack {
  readonly calls: LimitedCall[] = [];
  private readonly server: Server;
  private readonly buckets = new Map<string, Bucket>();
  private readonly startedAt = Date.now();
  private readonly upstream: string;
  private readonly limits: SlackLimits;
  private port = 0;

  constructor(upstream: string, limits: SlackLimits = slackLimits) {
    this.upstream = upstream;
    this.limits = limits;
    this.server = createServer((incoming, response) => {
      this.handle(incoming, response).catch((error: unknown) => {
        response.writeHead(502);
        response.end(String(error));
      });
    });
  }

  static async start(upstreamApiUrl: string, limits?: SlackLimits): Promise<RateLimitedSlack> {
    const proxy = new RateLimitedSlack(upstreamApiUrl, limits);
    await new Promise<void>((resolve) => proxy.server.listen(0, "127.0.0.1", resolve));
    proxy.port = (proxy.server.address() as AddressInfo).port;
    return proxy;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Takes a token; returns the seconds to wait when there is none. */
  private take(key: string, perSecond: number, capacity: number, now: number): number | undefined {
    const bucket = this.buckets.get(key) ?? { tokens: capacity, updatedAt: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * perSecond);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
  }

  private limit(method: string, channel: string | undefined, now: number): number | undefined {
    if (method === "chat.postMessage" || method === "chat.startStream") {
      return this.take(`post:${channel}`, this.limits.postsPerSecondPerChannel, this.limits.postBurst, now);
    }
    if (method === "chat.update") {
      return this.take("update", this.limits.editsPerMinute / 60, this.limits.editsPerMinute, now);
    }
    return undefined;
  }

  private async handle(
    incoming: IncomingMessage,
    response: import("node:http").ServerResponse,
  ): Promise<void> {
    const body = await readBody(incoming);
    const url = new URL(incoming.url ?? "/", "http://127.0.0.1");
    const method = url.pathname.replace(/^\/api\//, "");
    const channel = channelOf(body, incoming.headers["content-type"] ?? "");
    const now = Date.now();
    const call: LimitedCall = { method, channel, at: now - this.startedAt, status: 200 };
    this.calls.push(call);
    const retryAfter = this.limit(method, channel, now);
    if (retryAfter !== undefined) {
      call.status = 429;
      response.writeHead(429, { "content-type": "application/json", "retry-after": String(retryAfter) });
      response.end(JSON.stringify({ ok: false, error: "ratelimited" }));
      return;
    }
    const target = new URL(`${method}${url.search}`, this.upstream);
    await new Promise<void>((resolve, reject) => {
      const forward = httpRequest(
        target,
        { method: incoming.method, headers: { ...incoming.headers, host: target.host } },
        (upstream) => {
          call.status = upstream.statusCode ?? 502;
          response.writeHead(upstream.statusCode ?? 502, upstream.headers);
          upstream.pipe(response);
          upstream.on("end", resolve);
          upstream.on("error", reject);
        },
      );
      forward.on("error", reject);
      forward.end(body);
    });
  }
}
