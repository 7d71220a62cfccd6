import { describe, expect } from "vitest";
import { createAnthropicProvider } from "../../src/adapters/providers/anthropic-provider.ts";
import { createOpenAIProvider } from "../../src/adapters/providers/openai-provider.ts";
import { type ProviderUnderTest, providerContract } from "./provider-contract.ts";
import { fakeApiKey } from "./provider-test-helpers.ts";

type Block = Record<string, unknown>;

const anthropic: ProviderUnderTest = {
  name: "Anthropic",
  model: { provider: "anthropic", model: "claude-sonnet-5-5" },
  apiKey: fakeApiKey,
  responseIdPattern: /^msg_fake_/,
  create: (server, settings) =>
    createAnthropicProvider({ apiKey: fakeApiKey, baseUrl: server.anthropicBaseUrl, ...settings }),
  expectToolExchangeSent(request, calls) {
    // Both results travel in one user message; the newest block carries the cache breakpoint.
    const sent = request?.body.messages as { role: string; content: Block[] }[];
    expect(sent.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
    expect(sent[1]?.content).toEqual([
      { type: "text", text: "Reading both." },
      { type: "tool_use", id: calls[0]?.id, name: "read_file", input: { path: "notes/a.txt" } },
      { type: "tool_use", id: calls[1]?.id, name: "read_file", input: { path: "notes/b.txt" } },
    ]);
    expect(sent[2]?.content).toEqual([
      { type: "tool_result", tool_use_id: calls[0]?.id, content: "hello" },
      {
        type: "tool_result",
        tool_use_id: calls[1]?.id,
        content: "permission denied",
        is_error: true,
        cache_control: { type: "ephemeral" },
      },
    ]);
  },
  // Sonnet 5.5: 100×2 + 20×10 + 5000×0.1 + 300×2.5 micro-dollars.
  usage: {
    reported: { inputTokens: 100, outputTokens: 20, cacheReadTokens: 5000, cacheWriteTokens: 300 },
    expected: { inputTokens: 100, outputTokens: 20, cacheReadTokens: 5000, cacheWriteTokens: 300 },
    micros: 200 + 200 + 500 + 750,
  },
};

const openaiKey = "sk-proj-test-secret-0123456789";

const openai: ProviderUnderTest = {
  name: "OpenAI",
  model: { provider: "openai", model: "gpt-6-sol" },
  apiKey: openaiKey,
  responseIdPattern: /^chatcmpl-fake-/,
  create: (server, settings) =>
    createOpenAIProvider({ apiKey: openaiKey, baseUrl: server.openaiBaseUrl, ...settings }),
  expectToolExchangeSent(request, calls, stream) {
    // Chat Completions: the system prompt is a message, and each tool result is a message of its own.
    const sent = request?.body.messages as Block[];
    expect(sent.map((message) => message.role)).toEqual(["system", "user", "assistant", "tool", "tool"]);
    expect(sent[2]).toEqual({
      role: "assistant",
      content: "Reading both.",
      tool_calls: calls.map((call) => ({
        id: call.id,
        type: "function",
        function: { name: "read_file", arguments: JSON.stringify(call.input) },
      })),
    });
    expect(sent[3]).toMatchObject({ role: "tool", tool_call_id: calls[0]?.id, content: "hello" });
    expect(sent[4]).toMatchObject({ tool_call_id: calls[1]?.id, content: "Error: permission denied" });
    const body = request?.body as { tools: { type: string; function: { name: string } }[] };
    expect(body.tools.map((tool) => [tool.type, tool.function.name])).toEqual([
      ["function", "read_file"],
      ["function", "write_file"],
    ]);
    if (stream) expect(request?.body.stream_options).toEqual({ include_usage: true });
  },
  // gpt-6-sol: 1000×2 + 100×10 + 9000×0.2 micro-dollars.
  usage: {
    reported: { inputTokens: 1000, cacheReadTokens: 9000, outputTokens: 100 },
    expected: { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 9000, cacheWriteTokens: 0 },
    micros: 2000 + 1000 + 1800,
  },
};

describe.each([anthropic, openai])("$name provider", (subject) => {
  providerContract(subject);
});
