import { afterEach, describe, expect, it } from "vitest";
import { createAnthropicProvider } from "../../src/adapters/providers/anthropic-provider.ts";
import { createOpenAIProvider } from "../../src/adapters/providers/openai-provider.ts";
import { ProviderError } from "../../src/domain/errors.ts";
import { textOf } from "../../src/domain/messages.ts";
import { type PromptBlock, PromptCacheSimulator } from "../fakes/fake-llm-cache.ts";
import { type FakeLlmServer, startFakeLlmServer, textResponse } from "../fakes/fake-llm-server.ts";
import { recordingSleep, userText } from "./provider-test-helpers.ts";

let server: FakeLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function block(key: string, breakpoint?: "5m" | "1h"): PromptBlock {
  return { key, tokens: 100, ...(breakpoint ? { breakpoint } : {}) };
}

describe("fake LLM server", () => {
  it("answers concurrent agents through a responder that routes on the request", async () => {
    server = await startFakeLlmServer({
      responder: (request) =>
        textResponse(`${request.system.match(/agent-(\w+)/)?.[1]} turn ${request.turnIndex}`),
      latencyMs: 20,
    });
    const anthropic = createAnthropicProvider({ apiKey: "sk-ant-x", baseUrl: server.anthropicBaseUrl });
    const openai = createOpenAIProvider({ baseUrl: server.openaiBaseUrl });
    const results = await Promise.all(
      ["alpha", "beta", "gamma"].flatMap((name) =>
        [anthropic, openai].map((provider) =>
          provider.turn({
            model: "m",
            system: `You are agent-${name}.`,
            messages: [userText("go")],
            tools: [],
          }),
        ),
      ),
    );
    expect(results.map((result) => textOf(result.message))).toEqual([
      "alpha turn 0",
      "alpha turn 0",
      "beta turn 0",
      "beta turn 0",
      "gamma turn 0",
      "gamma turn 0",
    ]);
    expect(server.requests.map((request) => request.api).sort()).toEqual([
      "anthropic",
      "anthropic",
      "anthropic",
      "openai",
      "openai",
      "openai",
    ]);
    expect(server.requests[0]?.lastUserText).toBe("go");
  });

  it("fails a seeded share of requests in the provider's error format", async () => {
    server = await startFakeLlmServer({ failureRate: 0.3, seed: 42, responder: () => textResponse("ok") });
    const { sleep } = recordingSleep();
    const anthropic = createAnthropicProvider({
      apiKey: "sk-ant-x",
      baseUrl: server.anthropicBaseUrl,
      sleep,
    });
    for (let turn = 0; turn < 20; turn++) {
      await anthropic.turn({ model: "m", system: "", messages: [userText(`hi ${turn}`)], tools: [] });
    }
    const failures = server.requests.length - 20;
    expect(failures).toBeGreaterThan(2);
    expect(failures).toBeLessThan(20);

    server.configure({ failureRate: 1, failureStatus: 503 });
    const error = await anthropic
      .turn({ model: "m", system: "", messages: [userText("hi")], tools: [] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toContain("api_error");
  });

  it("answers an empty script with a clear, non-retryable error", async () => {
    server = await startFakeLlmServer();
    const error = await createOpenAIProvider({ baseUrl: server.openaiBaseUrl })
      .turn({ model: "m", system: "", messages: [userText("hi")], tools: [] })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400, retryable: false });
    expect((error as Error).message).toContain("no scripted response");
  });
});

describe("prompt cache simulation", () => {
  it("finds an earlier entry within 20 blocks of a breakpoint, but not beyond", () => {
    const clock = { now: 0 };
    const cache = new PromptCacheSimulator({ now: () => clock.now });
    const prefix = Array.from({ length: 5 }, (_, index) => block(`b${index}`));
    cache.process([...prefix.slice(0, 4), block("b4", "5m")]);

    const near = Array.from({ length: 20 }, (_, index) => block(`n${index}`));
    const hit = cache.process([...prefix, ...near.slice(0, 19), block("n19", "5m")]);
    expect(hit.cacheReadTokens).toBe(500);
    expect(hit.cacheWriteTokens).toBe(2000);

    const far = Array.from({ length: 21 }, (_, index) => block(`f${index}`));
    const miss = cache.process([...prefix, ...far.slice(0, 20), block("f20", "5m")]);
    expect(miss.cacheReadTokens).toBe(0);
    expect(miss.inputTokens + miss.cacheWriteTokens).toBe(2600);
  });

  it("counts 1-hour writes apart and keeps them for an hour", () => {
    const clock = { now: 0 };
    const cache = new PromptCacheSimulator({ now: () => clock.now });
    const blocks = [block("tools", "1h"), block("system", "1h"), block("message", "1h")];
    expect(cache.process(blocks)).toEqual({
      inputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 300,
      longCacheWriteTokens: 300,
    });
    clock.now += 59 * 60_000;
    expect(cache.process(blocks).cacheReadTokens).toBe(300);
    clock.now += 61 * 60_000;
    expect(cache.process(blocks).cacheReadTokens).toBe(0);
  });
});

describe("dropped connections", () => {
  for (const api of ["anthropic", "openai"] as const) {
    it(`are retried before a response, and fail cleanly mid-stream (${api})`, async () => {
      server = await startFakeLlmServer();
      const { sleep } = recordingSleep();
      const provider =
        api === "anthropic"
          ? createAnthropicProvider({ apiKey: "sk-ant-x", baseUrl: server.anthropicBaseUrl, sleep })
          : createOpenAIProvider({ baseUrl: server.openaiBaseUrl, sleep });
      server.script({ disconnect: "before-response" }, textResponse("recovered"));
      const recovered = await provider.turn({
        model: "m",
        system: "",
        messages: [userText("hi")],
        tools: [],
      });
      expect(textOf(recovered.message)).toBe("recovered");
      expect(server.requests).toHaveLength(2);

      server.script(
        textResponse("a long answer that is cut", { disconnect: "mid-stream" }),
        textResponse("again"),
      );
      const error = await provider
        .turn({ model: "m", system: "", messages: [userText("hi")], tools: [], stream: true })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ retryable: true });
      // Text already reached the caller, so the turn is not silently repeated.
      expect(server.requests).toHaveLength(3);
    });
  }
});
