import { afterEach, describe, expect, it } from "vitest";
import { createAnthropicProvider } from "../../src/adapters/providers/anthropic-provider.ts";
import { createOpenAIProvider } from "../../src/adapters/providers/openai-provider.ts";
import { contextWindowFailure } from "../../src/adapters/providers/sdk-errors.ts";
import { ContextWindowExceededError, ProviderError } from "../../src/domain/errors.ts";
import { type FakeLlmServer, startFakeLlmServer, textResponse } from "../fakes/fake-llm-server.ts";
import { recordingSleep, userText } from "./provider-test-helpers.ts";

let server: FakeLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const long = userText("word ".repeat(2000));

async function rawReply(url: string, body: unknown, headers: Record<string, string>) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("a prompt longer than the context window", () => {
  it("is refused by the fakes in each real API's own words, before any scripted response is used", async () => {
    server = await startFakeLlmServer({ contextWindow: 500 });
    server.script(textResponse("kept for later"));
    const messages = [{ role: "user", content: "word ".repeat(2000) }];
    const anthropic = await rawReply(
      `${server.anthropicBaseUrl}/v1/messages`,
      { model: "m", max_tokens: 100, messages },
      { "x-api-key": "k", "anthropic-version": "2023-06-01" },
    );
    expect(anthropic.status).toBe(400);
    expect(anthropic.body).toMatchObject({
      type: "error",
      error: {
        type: "invalid_request_error",
        message: expect.stringMatching(/^prompt is too long: \d+ tokens > 500 maximum$/),
      },
      request_id: expect.any(String),
    });
    const openai = await rawReply(`${server.openaiBaseUrl}/chat/completions`, { model: "m", messages }, {});
    expect(openai.status).toBe(400);
    expect(openai.body).toEqual({
      error: {
        message: expect.stringMatching(
          /^This model's maximum context length is 500 tokens\. However, your messages resulted in \d+ tokens\. Please reduce the length of the messages\.$/,
        ),
        type: "invalid_request_error",
        param: "messages",
        code: "context_length_exceeded",
      },
    });
    // OpenAI counts the requested completion too.
    const withCompletion = await rawReply(
      `${server.openaiBaseUrl}/chat/completions`,
      { model: "m", messages: [{ role: "user", content: "hi" }], max_completion_tokens: 600 },
      {},
    );
    expect(withCompletion.body).toMatchObject({
      error: { code: "context_length_exceeded", message: expect.stringContaining("in the completion") },
    });
    expect(server.pending()).toBe(1);
  });

  it("reaches the runtime as a ContextWindowExceededError with the window, not retried", async () => {
    server = await startFakeLlmServer({ contextWindow: 500 });
    const { sleep, waits } = recordingSleep();
    const providers = [
      createAnthropicProvider({ apiKey: "sk-ant-x", baseUrl: server.anthropicBaseUrl, sleep }),
      createOpenAIProvider({ baseUrl: server.openaiBaseUrl, sleep }),
    ];
    for (const provider of providers) {
      const error = await provider
        .turn({ model: "m", system: "", messages: [long], tools: [] })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ContextWindowExceededError);
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ContextWindowExceededError).limitTokens).toBe(500);
      expect((error as ContextWindowExceededError).code).toBe("context_window_exceeded");
    }
    expect(waits).toEqual([]);
    expect(server.requests).toHaveLength(2);
  });

  it("cuts an output that runs into the window, which Anthropic reports as model_context_window_exceeded", async () => {
    server = await startFakeLlmServer({ contextWindow: 120 });
    server.respondWith(() => textResponse("answer ".repeat(400)));
    const anthropic = createAnthropicProvider({ apiKey: "sk-ant-x", baseUrl: server.anthropicBaseUrl });
    const result = await anthropic.turn({ model: "m", system: "", messages: [userText("hi")], tools: [] });
    expect(result.stopReason).toBe("context_window_exceeded");
    expect(JSON.stringify(result.message).length).toBeLessThan(800);
    const openai = createOpenAIProvider({ baseUrl: server.openaiBaseUrl });
    const cut = await openai.turn({ model: "m", system: "", messages: [userText("hi")], tools: [] });
    expect(cut.stopReason).toBe("max_tokens");
  });

  it("is recognised in the words of local servers too, and nothing else is", () => {
    expect(
      contextWindowFailure(
        400,
        400,
        "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the completion).",
      ),
    ).toEqual({ limitTokens: 4096 });
    expect(
      contextWindowFailure(
        400,
        "exceed_context_size_error",
        "the request exceeds the available context size (8192 tokens)",
      ),
    ).toEqual({ limitTokens: 8192 });
    expect(
      contextWindowFailure(
        400,
        "invalid_request_error",
        "input length and `max_tokens` exceed context limit: 197000 + 8192 > 200000",
      ),
    ).toEqual({ limitTokens: undefined });
    expect(
      contextWindowFailure(400, "invalid_request_error", "messages: at least one message is required"),
    ).toBe(undefined);
    expect(contextWindowFailure(529, "overloaded_error", "prompt is too long")).toBe(undefined);
  });
});
