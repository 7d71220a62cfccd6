import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { pausableTimer } from "../../src/adapters/mcp/call-timer.ts";
import { convertCallResult } from "../../src/adapters/mcp/convert-result.ts";
import { needsWorkspace, referencedValues, resolveServer } from "../../src/adapters/mcp/resolve-templates.ts";
import { ServerSetupError } from "../../src/adapters/mcp/server-setup-error.ts";
import type { McpHttpServerConfig, McpStdioServerConfig } from "../../src/config/mcp-config.ts";

const reference = (name: string) => `\${${name}}`;
const common = {
  use: "both",
  policy: "ask",
  trustAnnotations: false,
  tools: {},
  timeoutSeconds: 60,
} as const;
const stdio: McpStdioServerConfig = {
  ...common,
  name: "files",
  transport: "stdio",
  command: "node",
  args: ["server.js", reference("workspace"), `--token=${reference("FILES_TOKEN")}`],
  environment: { API_KEY: reference("FILES_KEY"), MODE: "plain" },
  network: "off",
  readOnlyPaths: [],
};
const http: McpHttpServerConfig = {
  ...common,
  name: "tracker",
  transport: "http",
  url: `https://tracker.example/${reference("TRACKER_TENANT")}/mcp`,
  headers: { Authorization: `Bearer ${reference("TRACKER_TOKEN")}` },
};
const environment = {
  FILES_TOKEN: "files-token-1234",
  FILES_KEY: "files-key-5678",
  TRACKER_TENANT: "acme",
  TRACKER_TOKEN: "tracker-token-9012",
  UNRELATED_SECRET: "never-referenced-3456",
  EMPTY: "",
};

describe("references to variables and to the workspace", () => {
  it("resolve in a stdio server's command, arguments and environment, and an HTTP server's URL and headers", () => {
    expect(resolveServer(stdio, { environment, workspace: "/work/a" })).toEqual({
      transport: "stdio",
      command: "node",
      args: ["server.js", "/work/a", "--token=files-token-1234"],
      environment: { API_KEY: "files-key-5678", MODE: "plain" },
    });
    expect(resolveServer(http, { environment, workspace: undefined })).toEqual({
      transport: "http",
      url: "https://tracker.example/acme/mcp",
      headers: { Authorization: "Bearer tracker-token-9012" },
    });
  });

  it("name what is missing, never a value", () => {
    const missing = () =>
      resolveServer(stdio, { environment: { FILES_TOKEN: "files-token-1234" }, workspace: "/w" });
    expect(missing).toThrow(ServerSetupError);
    expect(missing).toThrow("the environment variable FILES_KEY it names is not set");
    const empty = { ...http, headers: { Authorization: reference("EMPTY") } };
    expect(() => resolveServer(empty, { environment, workspace: undefined })).toThrow(
      /EMPTY it names is not set/,
    );
    const noWorkspace = () => resolveServer(stdio, { environment, workspace: undefined });
    expect(noWorkspace).toThrow(/names \$\{workspace\}, and this agent has no workspace/);
    try {
      noWorkspace();
    } catch (error) {
      expect(String(error)).not.toContain("files-token-1234");
    }
  });

  it("tell which servers need a workspace, and which values are secrets", () => {
    expect(needsWorkspace(stdio)).toBe(true);
    expect(needsWorkspace(http)).toBe(false);
    expect(referencedValues([stdio, http], environment).sort()).toEqual(
      ["acme", "files-key-5678", "files-token-1234", "tracker-token-9012"].sort(),
    );
  });
});

describe("a tool result", () => {
  it("keeps every kind of content, structured content and isError", () => {
    expect(
      convertCallResult({
        content: [
          { type: "text", text: "hello" },
          { type: "image", data: "aW1n", mimeType: "image/png" },
          { type: "audio", data: "YXVk", mimeType: "audio/wav" },
          { type: "resource_link", uri: "file:///a.txt", name: "a.txt", mimeType: "text/plain" },
          { type: "resource", resource: { uri: "file:///b.txt", text: "bee" } },
          {
            type: "resource",
            resource: { uri: "file:///c.bin", blob: "Y2Vl", mimeType: "application/octet-stream" },
          },
        ],
        structuredContent: { sum: 3 },
        isError: true,
      }),
    ).toEqual({
      content: [
        { type: "text", text: "hello" },
        { type: "image", data: "aW1n", mimeType: "image/png" },
        { type: "audio", data: "YXVk", mimeType: "audio/wav" },
        { type: "resource_link", uri: "file:///a.txt", name: "a.txt", mimeType: "text/plain" },
        { type: "resource", uri: "file:///b.txt", text: "bee" },
        { type: "resource", uri: "file:///c.bin", blob: "Y2Vl", mimeType: "application/octet-stream" },
      ],
      structuredContent: { sum: 3 },
      isError: true,
    });
    expect(convertCallResult({ content: [] }).isError).toBe(false);
  });

  it("is cut at the limit, with a note saying so", () => {
    const result = convertCallResult(
      {
        content: [
          { type: "text", text: "a".repeat(60) },
          { type: "text", text: "b".repeat(60) },
          { type: "image", data: "c".repeat(60), mimeType: "image/png" },
        ],
        structuredContent: { big: "d".repeat(60) },
      },
      100,
    );
    expect(result.content).toEqual([
      { type: "text", text: "a".repeat(60) },
      { type: "text", text: "b".repeat(40) },
      { type: "text", text: "[Threadwork cut this result at 100 characters; the rest was not kept.]" },
    ]);
    expect(result.structuredContent).toBeUndefined();
  });
});

describe("a call's clock", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("stops while paused, however long, and runs out on the time left once resumed", () => {
    const expired = vi.fn();
    const timer = pausableTimer(1000, expired);
    vi.advanceTimersByTime(600);
    timer.pause();
    timer.pause();
    vi.advanceTimersByTime(60_000);
    timer.resume();
    vi.advanceTimersByTime(60_000);
    expect(expired).not.toHaveBeenCalled();
    timer.resume();
    vi.advanceTimersByTime(399);
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(expired).toHaveBeenCalledOnce();
  });

  it("never fires once cleared", () => {
    const expired = vi.fn();
    const timer = pausableTimer(1000, expired);
    timer.pause();
    timer.clear();
    timer.resume();
    vi.advanceTimersByTime(5000);
    expect(expired).not.toHaveBeenCalled();
  });
});
