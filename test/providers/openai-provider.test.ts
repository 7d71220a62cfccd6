import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOpenAIProvider } from "../../src/adapters/providers/openai-provider.ts";
import type { ChatMessage } from "../../src/domain/messages.ts";
import { toolCallsOf } from "../../src/domain/messages.ts";
import type { ModelTurnRequest } from "../../src/domain/model.ts";
import {
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { recordingSleep, tools, userText } from "./provider-test-helpers.ts";

const openaiKey = "sk-proj-test-secret-0123456789";
let server: FakeLlmServer;

beforeEach(async () => {
  server = await startFakeLlmServer();
});

afterEach(async () => {
  await server.close();
});

function provider(extra: { apiKey?: string | undefined } = {}) {
  return createOpenAIProvider({
    apiKey: "apiKey" in extra ? extra.apiKey : openaiKey,
    baseUrl: server.openaiBaseUrl,
    sleep: recordingSleep().sleep,
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

  it("reports the server's automatic cache reads apart from uncached input", async () => {
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
  });
});
