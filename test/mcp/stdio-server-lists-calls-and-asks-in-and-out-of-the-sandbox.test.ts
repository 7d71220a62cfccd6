import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { McpCallTimeoutError } from "../../src/adapters/mcp/mcp-errors.ts";
import type { McpServers } from "../../src/adapters/mcp/mcp-servers-port.ts";
import type { McpElicitation } from "../../src/domain/mcp.ts";
import { longRunningCall } from "../helpers/long-running-call.ts";
import {
  everythingOverStdio,
  plainCall,
  scopeOf,
  scratchDirectory,
  testMcpServers,
  textOf,
} from "../helpers/mcp-servers.ts";
import { sleep } from "../helpers/sleep.ts";
import { scaled } from "../helpers/time-scale.ts";

/** Far more than the calls' own work takes; a person's wait below takes twice as long. */
const timeoutSeconds = 2;

describe.each(["required", "off"] as const)("server-everything over stdio with the sandbox %s", (sandbox) => {
  let data: Awaited<ReturnType<typeof scratchDirectory>>;
  let servers: McpServers;
  const scope = scopeOf("supervisor-1");

  beforeAll(async () => {
    data = await scratchDirectory("mcp-data");
    servers = testMcpServers({
      servers: [everythingOverStdio({ timeoutSeconds })],
      dataDir: data.path,
      sandbox,
    });
  });
  afterAll(async () => {
    await servers?.close();
    await data?.remove();
  });

  it("lists its tools and instructions, and calls echo", async () => {
    const listing = await servers.list("everything", scope);
    expect(listing.server).toBe("everything");
    expect(listing.tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(["echo", "get-env"]));
    expect(listing.tools.find((tool) => tool.name === "echo")?.inputSchema).toMatchObject({ type: "object" });
    expect(listing.instructions).toMatch(/\S/);
    const result = await servers.call("everything", "echo", { message: "hello there" }, scope, plainCall());
    expect(result).toEqual({ content: [{ type: "text", text: "Echo: hello there" }], isError: false });
  });

  it("takes a server's question to the call's elicit and its answer back to the server", async () => {
    const asked: McpElicitation[] = [];
    const result = await servers.call("everything", "trigger-elicitation-request", {}, scope, {
      signal: new AbortController().signal,
      elicit: async (request) => {
        asked.push(request);
        return { action: "accept", content: { name: "Ada Lovelace", check: true, integer: 7 } };
      },
    });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ mode: "form", server: "everything" });
    expect(asked[0]?.mode === "form" && asked[0].requestedSchema).toMatchObject({ properties: { name: {} } });
    expect(textOf(result)).toContain("Name: Ada Lovelace");
    expect(textOf(result)).toContain("Favorite Integer: 7");
  });

  it("takes a server's link to open to the call's elicit", async () => {
    const asked: McpElicitation[] = [];
    const result = await servers.call(
      "everything",
      "trigger-url-elicitation",
      { url: "https://example.com/authorize", elicitationId: "consent-1" },
      scope,
      {
        signal: new AbortController().signal,
        elicit: async (request) => {
          asked.push(request);
          return { action: "accept" };
        },
      },
    );
    expect(asked).toEqual([
      {
        mode: "url",
        server: "everything",
        message: expect.any(String),
        url: "https://example.com/authorize",
        elicitationId: "consent-1",
      },
    ]);
    expect(result.isError).toBe(false);
  });

  it("rejects at once with the reason on Stop", async () => {
    const stop = new AbortController();
    const call = longRunningCall(servers, scope, { duration: 30, steps: 30 }, plainCall(stop.signal));
    await sleep(200);
    const reason = new Error("stopped by a person");
    const stoppedAt = Date.now();
    stop.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect(Date.now() - stoppedAt).toBeLessThan(scaled(500));
  });
});

describe("a stdio call's timeout", () => {
  let data: Awaited<ReturnType<typeof scratchDirectory>>;
  let servers: McpServers;
  const scope = scopeOf("supervisor-2");

  beforeAll(async () => {
    data = await scratchDirectory("mcp-data");
    servers = testMcpServers({ servers: [everythingOverStdio({ timeoutSeconds })], dataDir: data.path });
  });
  afterAll(async () => {
    await servers?.close();
    await data?.remove();
  });

  it("does not count a person's wait against the call's timeout, but counts the server's own time", async () => {
    const result = await servers.call("everything", "trigger-elicitation-request", {}, scope, {
      signal: new AbortController().signal,
      elicit: async () => {
        await sleep(timeoutSeconds * 1000 * 2);
        return { action: "decline" };
      },
    });
    expect(textOf(result)).toContain("declined");
    const slow = longRunningCall(servers, scope, { duration: timeoutSeconds * 4, steps: 4 });
    await expect(slow).rejects.toBeInstanceOf(McpCallTimeoutError);
    // The connection is still good after a cancelled call.
    expect(textOf(await servers.call("everything", "echo", { message: "after" }, scope, plainCall()))).toBe(
      "Echo: after",
    );
  });
});
