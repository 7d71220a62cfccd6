import { StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { ServerSetupError } from "./server-setup-error.ts";

/** Bytes of one answer to a POST: a bound on what a server can make the service read for one message. */
const responseByteLimit = 8 * 1024 * 1024;

/** The configured URL, or why it cannot be used. Only http and https are reached. */
export function serverUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ServerSetupError("its url is not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ServerSetupError(`its url uses ${url.protocol}; only http and https are allowed`);
  }
  return url;
}

function capped(response: Response, limit: number): Response {
  if (response.body === null) return response;
  let seen = 0;
  const body = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > limit) controller.error(new Error(`the server's answer is larger than ${limit} bytes`));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/**
 * Every request goes to the configured URL and nowhere else: a redirect is an error, never
 * followed (it could send the configured headers, the server's credentials, elsewhere).
 */
async function fetchWithoutRedirects(input: string | URL, init?: RequestInit): Promise<Response> {
  const response = await fetch(input, { ...init, redirect: "manual" });
  if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) {
    await response.body?.cancel().catch(() => {});
    throw new Error(`the server answered with a redirect (HTTP ${response.status}), which is not followed`);
  }
  return (init?.method ?? "GET").toUpperCase() === "POST" ? capped(response, responseByteLimit) : response;
}

/** A Streamable HTTP transport to exactly `url`, sending `headers` with every request. */
export function httpTransport(url: URL, headers: Record<string, string>): StreamableHTTPClientTransport {
  return new StreamableHTTPClientTransport(url, {
    requestInit: { headers, redirect: "manual" },
    redirectPolicy: "follow",
    fetch: fetchWithoutRedirects,
    reconnectionOptions: {
      initialReconnectionDelay: 500,
      maxReconnectionDelay: 5000,
      reconnectionDelayGrowFactor: 2,
      maxRetries: 2,
    },
  });
}
