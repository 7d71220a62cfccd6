import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOpenAIProvider } from "../../src/adapters/providers/openai-provider.ts";
import { ProviderError } from "../../src/domain/errors.ts";
import type { ChatMessage } from "../../src/domain/messages.ts";
import { toolCallsOf } from "../../src/domain/messages.ts";
import type { ModelTurnRequest } from "../../src/domain/model.ts";
import { costOf } from "../../src/domain/pricing.ts";
import {
  errorResponse,
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { recordingLogger, recordingSleep, tools, userText } from "./provider-test-helpers.ts";

const openaiKey = "sk-proj-test-secret-0123456789";
let server: FakeLlmServer;

beforeEach(async () => {
  server = await startFakeLlmServer();
});

afterEach(async () => {
  await server.close();
});

function provider(
  extra: { apiKey?: string | undefined; sleep?: ReturnType<typeof recordingSleep>["sleep"] } = {},
) {
  const { sleep } = recordingSleep();
  return createOpenAIProvider({
    apiKey: "apiKey" in extra ? extra.apiKey : openaiKey,
    baseUrl: server.openaiBaseUrl,
    sleep: extra.sleep ?? sleep,
  });
}

function request(messages: ChatMessage[], extra: Partial<ModelTurnRequest> = {}): ModelTurnRequest {
  return { model: "gpt-6-sol", system: "You are a careful engineer.", messages, tools, ...extra };
}

type Sent = Record<string, unknown>;
function sentMessages(index: number): Sent[] {
  return server.requests[index]?.body.messages as Sent[];
}

describe("OpenAI provider", () => {
  for (const stream of [false, true]) {
    it(`holds a multi-turn tool-using conversation (${stream ? "streaming" : "non-streaming"})`, async () => {
      server.script(
        toolCallResponse(
          [
            { name: "read_file", input: { path: "notes/a.txt" } },
            { name: "read_file", input: { path: "notes/b.txt" } },
          ],
          { text: "Reading both.", chunkSize: 3 },
        ),
        textResponse("They say hello and bye."),
      );
      const openai = provider();
      const deltas: string[] = [];
      const history: ChatMessage[] = [userText("What is in notes/?")];
      const first = await openai.turn(
        request(history, { stream, onTextDelta: (delta) => deltas.push(delta) }),
      );

      expect(first.stopReason).toBe("tool_use");
      const calls = toolCallsOf(first.message);
      expect(calls.map((call) => call.input)).toEqual([{ path: "notes/a.txt" }, { path: "notes/b.txt" }]);
      expect(first.responseId).toMatch(/^chatcmpl-fake-/);
      if (stream) expect(deltas.join("")).toBe("Reading both.");

      history.push(first.message, {
        role: "user",
        parts: calls.map((call, index) => ({
          type: "tool_result" as const,
          toolCallId: call.id,
          toolName: call.name,
          content: index === 0 ? "hello" : "permission denied",
          isError: index === 1,
        })),
      });
      const second = await openai.turn(request(history, { stream }));
      expect(second.stopReason).toBe("end_turn");
      expect(second.message.parts).toEqual([{ type: "text", text: "They say hello and bye." }]);

      const sent = sentMessages(1);
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
      const body = server.requests[0]?.body as { tools: { type: string; function: { name: string } }[] };
      expect(body.tools.map((tool) => [tool.type, tool.function.name])).toEqual([
        ["function", "read_file"],
        ["function", "write_file"],
      ]);
      if (stream) expect(server.requests[0]?.body.stream_options).toEqual({ include_usage: true });
    });
  }

  it("drops thinking parts, which Chat Completions cannot carry", async () => {
    server.script(textResponse("ok"));
    await provider().turn(
      request([
        userText("hi"),
        {
          role: "assistant",
          parts: [
            { type: "thinking", text: "hmm", signature: "sig" },
            { type: "text", text: "hello" },
          ],
        },
        userText("again"),
      ]),
    );
    expect(sentMessages(0)[2]).toEqual({ role: "assistant", content: "hello" });
  });

  for (const stream of [false, true]) {
    it(`works with no API key against a sloppy local server (${stream ? "streaming" : "non-streaming"})`, async () => {
      server.script(
        toolCallResponse([{ name: "read_file", input: { path: "a" } }], {
          chunkSize: 2,
          openaiQuirks: { omitIds: true, omitToolCallIds: true, omitUsage: true, finishReason: "stop" },
        }),
        textResponse("done", { openaiQuirks: { omitIds: true, omitUsage: true, finishReason: "eos" } }),
      );
      const local = provider({ apiKey: undefined });
      const first = await local.turn(request([userText("read a")], { model: "qwen3", stream }));
      expect(first.stopReason).toBe("tool_use");
      expect(first.responseId).toBeUndefined();
      expect(first.usage).toEqual({
        inputTokens: 0,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
      });
      const call = toolCallsOf(first.message)[0];
      expect(call?.id).toMatch(/^call_/);
      expect(call?.input).toEqual({ path: "a" });
      const second = await local.turn(
        request(
          [
            userText("read a"),
            first.message,
            {
              role: "user",
              parts: [
                {
                  type: "tool_result",
                  toolCallId: call?.id ?? "",
                  toolName: "read_file",
                  content: "A",
                  isError: false,
                },
              ],
            },
          ],
          { maxOutputTokens: 500 },
        ),
      );
      expect(second.stopReason).toBe("end_turn");
      // A compatible server gets the tool's name, and `max_tokens` rather than `max_completion_tokens`.
      expect(sentMessages(1)[3]).toMatchObject({ role: "tool", tool_call_id: call?.id, name: "read_file" });
      expect(server.requests[1]?.body.max_tokens).toBe(500);
    });
  }

  it("retries a 529, a 500 and a 429 with retry-after-ms, then succeeds", async () => {
    server.script(
      errorResponse(529),
      errorResponse(500),
      errorResponse(429, { retryAfterMs: 1234 }),
      textResponse("finally"),
    );
    const { sleep, waits } = recordingSleep();
    const { logger, lines } = recordingLogger();
    const openai = createOpenAIProvider({ apiKey: openaiKey, baseUrl: server.openaiBaseUrl, sleep, logger });
    const result = await openai.turn(request([userText("hi")], { stream: true }));
    expect(result.message.parts).toEqual([{ type: "text", text: "finally" }]);
    expect(server.requests).toHaveLength(4);
    expect(waits[2]).toBe(1234);
    expect(lines).toHaveLength(3);
    expect(lines.join("\n")).not.toContain(openaiKey);
    expect(JSON.stringify(server.requests)).not.toContain(openaiKey);
  });

  it("does not retry a 400", async () => {
    server.script(errorResponse(400, { message: "Invalid 'messages'" }), textResponse("never"));
    const error = await provider()
      .turn(request([userText("hi")]))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status: 400, retryable: false });
    expect(server.requests).toHaveLength(1);
  });

  it("reports cached tokens apart from uncached input, and prices them", async () => {
    server.respondWith(() => textResponse("ok"));
    const openai = provider();
    const system = "Long stable instructions. ".repeat(100);
    await openai.turn({ ...request([userText("first")]), system });
    const second = await openai.turn({
      ...request([
        userText("first"),
        { role: "assistant", parts: [{ type: "text", text: "ok" }] },
        userText("next"),
      ]),
      system,
    });
    expect(second.usage.cacheReadTokens).toBeGreaterThan(500);
    expect(second.usage.inputTokens).toBeGreaterThan(0);
    expect(second.usage.inputTokens).toBeLessThan(second.usage.cacheReadTokens);

    server.script(
      textResponse("x", { usage: { inputTokens: 1000, cacheReadTokens: 9000, outputTokens: 100 } }),
    );
    const priced = await openai.turn(request([userText("hi")]));
    expect(priced.usage).toEqual({
      inputTokens: 1000,
      outputTokens: 100,
      cacheReadTokens: 9000,
      cacheWriteTokens: 0,
    });
    // gpt-6-sol: 1000×2 + 100×10 + 9000×0.2 micro-dollars.
    expect(costOf({ provider: "openai", model: "gpt-6-sol" }, priced.usage).micros).toBe(2000 + 1000 + 1800);
  });

  for (const stream of [false, true]) {
    it(`rejects promptly when aborted (${stream ? "streaming" : "non-streaming"})`, async () => {
      server.script(textResponse("slow ".repeat(50), stream ? { chunkDelayMs: 200 } : { delayMs: 10_000 }));
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(), 100);
      const error = await provider()
        .turn(request([userText("hi")], { stream, signal: controller.signal }))
        .catch((caught: unknown) => caught);
      expect((error as Error).name).toBe("AbortError");
      expect(Date.now() - started).toBeLessThan(2000);
    });
  }
});
