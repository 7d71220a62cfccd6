import type { IncomingMessage } from "node:http";
import { webhookBodyLimitBytes } from "./webhook-route.ts";

/** The request's raw bytes, or `too-large` (the rest is not read) past the limit. */
export async function readWebhookBody(request: IncomingMessage): Promise<Uint8Array | "too-large"> {
  const declared = Number(request.headers["content-length"] ?? 0);
  if (declared > webhookBodyLimitBytes) return "too-large";
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > webhookBodyLimitBytes) return "too-large";
    chunks.push(buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}
