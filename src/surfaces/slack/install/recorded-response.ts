import type { IncomingMessage, ServerResponse } from "node:http";
import type { HttpAnswer } from "../http-answer.ts";
import type { PageRequest } from "../page-route.ts";

/**
 * What `@slack/oauth`'s handlers write to a response, kept as an `HttpAnswer`: the page is
 * computed on the main thread and written by whichever thread holds the connection.
 */
export class RecordedResponse {
  private status = 200;
  private readonly headers: Record<string, string> = {};
  private body = "";

  setHeader(name: string, value: number | string | readonly string[]): this {
    this.headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : String(value);
    return this;
  }

  getHeader(name: string): string | undefined {
    return this.headers[name.toLowerCase()];
  }

  writeHead(status: number, headers: Record<string, string> = {}): this {
    this.status = status;
    for (const [name, value] of Object.entries(headers)) this.setHeader(name, value);
    return this;
  }

  end(body?: string): this {
    this.body = body ?? "";
    return this;
  }

  /** Replaces the page, keeping the cookies the handler set. */
  replace(answer: HttpAnswer): void {
    this.writeHead(answer.status, answer.headers);
    this.body = answer.body;
  }

  answer(): HttpAnswer {
    return { status: this.status, headers: { ...this.headers }, body: this.body };
  }

  /** For the handlers' Node types: they use only the methods above. */
  asServerResponse(): ServerResponse {
    return this as unknown as ServerResponse;
  }
}

/** A page request as `@slack/oauth` reads it: `url`, `headers.host` and `headers.cookie`. */
export function asIncomingMessage(request: PageRequest): IncomingMessage {
  return {
    url: request.url,
    headers: { host: "localhost", ...request.headers },
  } as unknown as IncomingMessage;
}
