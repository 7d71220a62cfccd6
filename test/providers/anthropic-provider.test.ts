import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAnthropicProvider } from "../../src/adapters/providers/anthropic-provider.ts";
import type { ChatMessage } from "../../src/domain/messages.ts";
import { toolCallsOf } from "../../src/domain/messages.ts";
import type { ModelTurnRequest } from "../../src/domain/model.ts";
import {
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  thinkingResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { fakeApiKey, recordingSleep, tools, userText } from "./provider-test-helpers.ts";

let server: FakeLlmServer;
let clock: number;

beforeEach(async () => {
  clock = Date.parse("2026-11-24T00:00:00Z");
  server = await startFakeLlmServer({ now: () => clock });
});

afterEach(async () => {
  await server.close();
});

function provider() {
  return createAnthropicProvider({
    apiKey: fakeApiKey,
    baseUrl: server.anthropicBaseUrl,
    sleep: recordingSleep().sleep,
  });
}

function request(messages: ChatMessage[], extra: Partial<ModelTurnRequest> = {}): ModelTurnRequest {
  return { model: "claude-sonnet-5-5", system: "You are a careful engineer.", messages, tools, ...extra };
}

type Block = Record<string, unknown>;
function bodyMessages(index: number): { role: string; content: Block[] }[] {
  return server.requests[index]?.body.messages as { role: string; content: Block[] }[];
}

describe("Anthropic provider", () => {
  it("puts cache breakpoints on the sorted last tool, the system prompt end and the newest message", async () => {
    server.script(textResponse("one"), textResponse("two"));
    const anthropic = provider();
    await anthropic.turn(
      request([
        userText("first"),
        { role: "assistant", parts: [{ type: "text", text: "ok" }] },
        userText("second"),
      ]),
    );
    await anthropic.turn(request([userText("first")], { cacheRetention: "long" }));

    const body = server.requests[0]?.body as {
      tools: Block[];
      system: Block[];
      messages: { content: Block[] }[];
    };
    expect(body.tools.map((tool) => tool.name)).toEqual(["read_file", "write_file"]);
    expect(body.tools[0]?.cache_control).toBeUndefined();
    expect(body.tools[1]?.cache_control).toEqual({ type: "ephemeral" });
    expect(body.system).toEqual([
      { type: "text", text: "You are a careful engineer.", cache_control: { type: "ephemeral" } },
    ]);
    expect(body.messages[2]?.content.at(-1)?.cache_control).toEqual({ type: "ephemeral" });
    const breakpoints = JSON.stringify(body).match(/cache_control/g) ?? [];
    expect(breakpoints).toHaveLength(3);

    const long = server.requests[1]?.body as {
      tools: Block[];
      system: Block[];
      messages: { content: Block[] }[];
    };
    const hour = { type: "ephemeral", ttl: "1h" };
    expect(long.tools[1]?.cache_control).toEqual(hour);
    expect(long.system[0]?.cache_control).toEqual(hour);
    expect(long.messages[0]?.content[0]?.cache_control).toEqual(hour);
  });

  it("groups consecutive tool results into one user message, errors flagged", async () => {
    server.script(textResponse("done"));
    const history: ChatMessage[] = [
      userText("Read both"),
      {
        role: "assistant",
        parts: [
          { type: "tool_call", id: "toolu_1", name: "read_file", input: { path: "a" } },
          { type: "tool_call", id: "toolu_2", name: "read_file", input: { path: "b" } },
        ],
      },
      {
        role: "user",
        parts: [
          { type: "tool_result", toolCallId: "toolu_1", toolName: "read_file", content: "A", isError: false },
        ],
      },
      {
        role: "user",
        parts: [
          {
            type: "tool_result",
            toolCallId: "toolu_2",
            toolName: "read_file",
            content: "no such file",
            isError: true,
          },
        ],
      },
    ];
    await provider().turn(request(history));
    const sent = bodyMessages(0);
    expect(sent).toHaveLength(3);
    expect(sent[2]?.content).toEqual([
      { type: "tool_result", tool_use_id: "toolu_1", content: "A" },
      {
        type: "tool_result",
        tool_use_id: "toolu_2",
        content: "no such file",
        is_error: true,
        cache_control: { type: "ephemeral" },
      },
    ]);
  });

  for (const stream of [false, true]) {
    it(`passes thinking blocks back unchanged (${stream ? "streaming" : "non-streaming"})`, async () => {
      const thinking = { text: "The user wants the file; read it first.", signature: "sig-Zm9vYmFy==" };
      server.script(
        thinkingResponse(thinking, {
          redactedThinking: "opaque-redacted-data",
          toolCalls: [{ name: "read_file", input: { path: "x" } }],
        }),
        textResponse("done"),
      );
      const anthropic = provider();
      const history: ChatMessage[] = [userText("Read x")];
      const first = await anthropic.turn(request(history, { stream }));
      expect(first.message.parts.slice(0, 2)).toEqual([
        { type: "thinking", text: thinking.text, signature: thinking.signature },
        { type: "thinking", text: "", redactedData: "opaque-redacted-data" },
      ]);
      const call = toolCallsOf(first.message)[0];
      history.push(first.message, {
        role: "user",
        parts: [
          {
            type: "tool_result",
            toolCallId: call?.id ?? "",
            toolName: "read_file",
            content: "x!",
            isError: false,
          },
        ],
      });
      await anthropic.turn(request(history, { stream }));
      expect(bodyMessages(1)[1]?.content.slice(0, 2)).toEqual([
        { type: "thinking", thinking: thinking.text, signature: thinking.signature },
        { type: "redacted_thinking", data: "opaque-redacted-data" },
      ]);
    });
  }

  it("reads most input from the simulated cache on a growing conversation", async () => {
    server.respondWith((incoming) =>
      incoming.turnIndex < 19
        ? toolCallResponse([{ name: "read_file", input: { path: `src/file-${incoming.turnIndex}.ts` } }])
        : textResponse("All read."),
    );
    const anthropic = provider();
    const system = "You are a careful engineer. ".repeat(200);
    const history: ChatMessage[] = [userText("Read the twenty files and summarise them.")];
    const totals = { read: 0, all: 0 };
    for (let turn = 0; turn < 20; turn++) {
      const result = await anthropic.turn({ ...request(history), system });
      totals.read += result.usage.cacheReadTokens;
      totals.all += result.usage.inputTokens + result.usage.cacheReadTokens + result.usage.cacheWriteTokens;
      history.push(result.message);
      const call = toolCallsOf(result.message)[0];
      if (!call) break;
      history.push({
        role: "user",
        parts: [
          {
            type: "tool_result",
            toolCallId: call.id,
            toolName: call.name,
            content: "x".repeat(400),
            isError: false,
          },
        ],
      });
      clock += 20_000;
    }
    expect(totals.read / totals.all).toBeGreaterThanOrEqual(0.85);
  });

  it("keeps reading the previous turn's prefix when one turn adds more blocks than the lookback reaches", async () => {
    const paths = Array.from({ length: 12 }, (_, index) => `src/file-${index}.ts`);
    server.script(
      toolCallResponse(paths.map((path) => ({ name: "read_file", input: { path } }))),
      textResponse("ok"),
    );
    const anthropic = provider();
    const system = "You are a careful engineer. ".repeat(200);
    const history: ChatMessage[] = [userText("Read the twelve files under src/ and summarise them.")];
    const first = await anthropic.turn({ ...request(history), system });
    const firstPrompt = first.usage.inputTokens + first.usage.cacheReadTokens + first.usage.cacheWriteTokens;
    history.push(first.message, {
      role: "user",
      parts: toolCallsOf(first.message).map((call) => ({
        type: "tool_result" as const,
        toolCallId: call.id,
        toolName: call.name,
        content: `the text of ${call.id}`,
        isError: false,
      })),
    });
    // 24 blocks past the first request's end: beyond the newest breakpoint's 20-block lookback.
    const second = await anthropic.turn({ ...request(history), system });
    expect(second.usage.cacheReadTokens).toBe(firstPrompt);

    const body = server.requests[1]?.body as { tools: Block[] };
    const sent = bodyMessages(1);
    expect(sent[0]?.content.at(-1)?.cache_control).toEqual({ type: "ephemeral" });
    expect(sent[2]?.content.at(-1)?.cache_control).toEqual({ type: "ephemeral" });
    expect(JSON.stringify(body).match(/cache_control/g)).toHaveLength(4);
  });

  it("stays within 4 breakpoints after a compaction, dropping the tools' before the system prompt's", async () => {
    server.respondWith(() => textResponse("ok"));
    const calls = Array.from({ length: 12 }, (_, index) => ({
      type: "tool_call" as const,
      id: `toolu_${index}`,
      name: "read_file",
      input: { path: `src/file-${index}.ts` },
    }));
    const history: ChatMessage[] = [
      { role: "user", parts: [{ type: "text", text: "The brief.", cacheBreakpoint: true }] },
      { role: "user", parts: [{ type: "text", text: "Summary of the earlier turns." }] },
      { role: "assistant", parts: [{ type: "text", text: "Reading." }] },
      { role: "user", parts: [{ type: "text", text: "Go on." }] },
      { role: "assistant", parts: calls },
      {
        role: "user",
        parts: calls.map((call) => ({
          type: "tool_result" as const,
          toolCallId: call.id,
          toolName: call.name,
          content: "text",
          isError: false,
        })),
      },
    ];
    await provider().turn(request(history));
    const body = server.requests[0]?.body as { tools: Block[]; system: Block[] };
    expect(body.tools.some((tool) => tool.cache_control !== undefined)).toBe(false);
    expect(body.system[0]?.cache_control).toEqual({ type: "ephemeral" });
    const sent = bodyMessages(0);
    expect(sent[0]?.content[0]?.cache_control).toEqual({ type: "ephemeral" });
    expect(sent[2]?.content.at(-1)?.cache_control).toEqual({ type: "ephemeral" });
    expect(sent.at(-1)?.content.at(-1)?.cache_control).toEqual({ type: "ephemeral" });
    expect(JSON.stringify(body).match(/cache_control/g)).toHaveLength(4);
  });

  it("is refused, as by Anthropic, with more than 4 cache breakpoints", async () => {
    const hour = { type: "ephemeral" };
    const response = await fetch(`${server.anthropicBaseUrl}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": fakeApiKey },
      body: JSON.stringify({
        model: "claude-sonnet-5-5",
        max_tokens: 10,
        system: [{ type: "text", text: "s", cache_control: hour }],
        messages: [
          {
            role: "user",
            content: ["a", "b", "c", "d"].map((text) => ({ type: "text", text, cache_control: hour })),
          },
        ],
      }),
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain("A maximum of 4 blocks with cache_control");
  });

  it("lets the simulated cache expire after 5 minutes, but keeps a 1-hour entry", async () => {
    server.respondWith(() => textResponse("ok"));
    const anthropic = provider();
    const history = [userText("hello")];
    await anthropic.turn(request(history));
    clock += 6 * 60_000;
    expect((await anthropic.turn(request(history))).usage.cacheReadTokens).toBe(0);

    const long = await anthropic.turn(request([userText("hello, for an hour")], { cacheRetention: "long" }));
    expect(long.usage.longCacheWriteTokens).toBe(long.usage.cacheWriteTokens);
    expect(long.usage.cacheWriteTokens).toBeGreaterThan(0);
    await anthropic.turn(request(history, { cacheRetention: "long" }));
    clock += 50 * 60_000;
    const result = await anthropic.turn(request(history, { cacheRetention: "long" }));
    expect(result.usage.cacheReadTokens).toBeGreaterThan(0);
    expect(result.usage.cacheWriteTokens).toBe(0);
  });
});
