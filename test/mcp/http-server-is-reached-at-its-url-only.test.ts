import { createServer, type IncomingHttpHeaders, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { McpServerUnavailableError } from "../../src/adapters/mcp/mcp-errors.ts";
import type { McpServers } from "../../src/adapters/mcp/mcp-servers-port.ts";
import { eventually } from "../helpers/eventually.ts";
import { longRunningCall } from "../helpers/long-running-call.ts";
import {
  everythingOverHttp,
  plainCall,
  reference,
  scopeOf,
  scratchDirectory,
  startEverythingOverHttp,
  testMcpServers,
  textOf,
} from "../helpers/mcp-servers.ts";
import { scaled } from "../helpers/time-scale.ts";

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Forwards every request to `target` as it is, keeping the headers and body each one arrived with. */
function recordingProxy(target: URL, seen: IncomingHttpHeaders[], bodies: string[] = []): Server {
  return createServer((incoming, outgoing) => {
    seen.push(incoming.headers);
    let body = "";
    incoming.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    incoming.on("end", () => bodies.push(body));
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        path: incoming.url,
        method: incoming.method,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on("error", () => outgoing.destroy());
    incoming.pipe(upstream);
  });
}

describe("server-everything over Streamable HTTP", () => {
  let everything: Awaited<ReturnType<typeof startEverythingOverHttp>>;
  let data: Awaited<ReturnType<typeof scratchDirectory>>;
  const helpers: Server[] = [];
  const opened: McpServers[] = [];
  const scope = scopeOf("supervisor-1");

  function servers(...parameters: Parameters<typeof testMcpServers>): McpServers {
    const created = testMcpServers(...parameters);
    opened.push(created);
    return created;
  }

  beforeAll(async () => {
    everything = await startEverythingOverHttp();
    data = await scratchDirectory("mcp-data");
  });
  afterAll(async () => {
    await Promise.all(opened.map((each) => each.close()));
    await Promise.all(helpers.map((server) => new Promise((resolve) => server.close(resolve))));
    await everything?.stop();
    await data?.remove();
  });

  it("lists, calls and asks, and sends the configured headers with their variables resolved", async () => {
    const seen: IncomingHttpHeaders[] = [];
    const proxy = recordingProxy(new URL(everything.url), seen);
    helpers.push(proxy);
    const url = `${await listen(proxy)}/mcp`;
    const mcp = servers({
      servers: [everythingOverHttp(url, { headers: { "X-Api-Key": `key-${reference("TRACKER_TOKEN")}` } })],
      environment: { TRACKER_TOKEN: "tracker-secret-0123456789" },
      dataDir: data.path,
    });
    const listing = await mcp.list("everything", scope);
    expect(listing.tools.map((tool) => tool.name)).toContain("echo");
    expect(listing.instructions).toMatch(/\S/);
    expect(textOf(await mcp.call("everything", "echo", { message: "over http" }, scope, plainCall()))).toBe(
      "Echo: over http",
    );
    const answered = await mcp.call("everything", "trigger-elicitation-request", {}, scope, {
      signal: new AbortController().signal,
      elicit: async () => ({ action: "accept", content: { name: "Grace Hopper" } }),
    });
    expect(textOf(answered)).toContain("Name: Grace Hopper");
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((headers) => headers["x-api-key"] === "key-tracker-secret-0123456789")).toBe(true);
    expect(mcp.secretValues()).toEqual(["tracker-secret-0123456789"]);
  });

  it("on Stop rejects at once and tells the server the call is cancelled", async () => {
    const bodies: string[] = [];
    const proxy = recordingProxy(new URL(everything.url), [], bodies);
    helpers.push(proxy);
    const mcp = servers({ servers: [everythingOverHttp(`${await listen(proxy)}/mcp`)], dataDir: data.path });
    await mcp.list("everything", scope);
    const stop = new AbortController();
    const call = longRunningCall(mcp, scope, { duration: 30, steps: 30 }, plainCall(stop.signal));
    await eventually(() => bodies.some((body) => body.includes("trigger-long-running-operation")));
    const reason = new Error("stopped by a person");
    const stoppedAt = Date.now();
    stop.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect(Date.now() - stoppedAt).toBeLessThan(scaled(500));
    await eventually(() => bodies.some((body) => body.includes("notifications/cancelled")));
  });

  it("refuses a redirect instead of following it, even within the same origin", async () => {
    let redirected = 0;
    let followed = 0;
    const redirecting = createServer((incoming, outgoing) => {
      if (incoming.url === "/mcp") {
        redirected += 1;
        outgoing.writeHead(307, { location: "/elsewhere" }).end();
      } else {
        followed += 1;
        outgoing.writeHead(404).end();
      }
    });
    helpers.push(redirecting);
    const mcp = servers({
      servers: [
        everythingOverHttp(`${await listen(redirecting)}/mcp`, { headers: { Authorization: "Bearer x" } }),
      ],
      dataDir: data.path,
      restart: { attempts: 1, initialDelayMs: 0 },
    });
    const listing = mcp.list("everything", scope);
    await expect(listing).rejects.toBeInstanceOf(McpServerUnavailableError);
    await expect(listing).rejects.toThrow(/redirect/);
    expect(redirected).toBeGreaterThan(0);
    expect(followed).toBe(0);
  });

  it("refuses a URL that is not http or https", async () => {
    const mcp = servers({ servers: [everythingOverHttp("file:///etc/passwd")], dataDir: data.path });
    await expect(mcp.list("everything", scope)).rejects.toThrow(/only http and https/);
  });
});
