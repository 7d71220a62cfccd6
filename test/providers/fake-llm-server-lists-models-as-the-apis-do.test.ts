import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { createAnthropicProvider } from "../../src/adapters/providers/anthropic-provider.ts";
import { createOpenAIProvider } from "../../src/adapters/providers/openai-provider.ts";
import { ProviderError } from "../../src/domain/errors.ts";
import { type FakeLlmServer, startFakeLlmServer, textResponse } from "../fakes/fake-llm-server.ts";
import { scaled } from "../helpers/time-scale.ts";
import { userText } from "./provider-test-helpers.ts";

let server: FakeLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("the fake LLM server's GET /v1/models", () => {
  it("lists OpenAI-style for the OpenAI SDK and pages Anthropic-style for the Anthropic SDK", async () => {
    server = await startFakeLlmServer({
      models: { openai: ["qwen3", "llama-4"], anthropic: ["a", "b", "c"] },
    });
    const openai = new OpenAI({ apiKey: "no-key", baseURL: server.openaiBaseUrl, maxRetries: 0 });
    const listed: string[] = [];
    for await (const model of openai.models.list()) listed.push(model.id);
    expect(listed).toEqual(["qwen3", "llama-4"]);

    const anthropic = new Anthropic({ apiKey: "sk-ant-x", baseURL: server.anthropicBaseUrl, maxRetries: 0 });
    const first = await anthropic.models.list({ limit: 2 });
    expect(first.data.map((model) => model.id)).toEqual(["a", "b"]);
    expect(first.has_more).toBe(true);
    const all: string[] = [];
    for await (const model of anthropic.models.list({ limit: 2 })) all.push(model.id);
    expect(all).toEqual(["a", "b", "c"]);
    expect(server.modelListings("anthropic")).toBe(3);
    expect(server.modelListings("openai")).toBe(1);
    // Model lists are not model turns.
    expect(server.requests).toHaveLength(0);
  });

  it("refuses an Anthropic list without a key or a version header, as the API does", async () => {
    server = await startFakeLlmServer();
    const bare = await fetch(`${server.anthropicBaseUrl}/v1/models`, {
      headers: { "anthropic-version": "2023-06-01" },
    });
    expect(bare.status).toBe(401);
    const unversioned = await fetch(`${server.anthropicBaseUrl}/v1/models`, {
      headers: { "x-api-key": "k" },
    });
    expect(unversioned.status).toBe(400);
  });

  it("lists every priced model by default, through the providers' listModels", async () => {
    server = await startFakeLlmServer();
    const anthropic = createAnthropicProvider({ apiKey: "sk-ant-x", baseUrl: server.anthropicBaseUrl });
    const openai = createOpenAIProvider({ baseUrl: server.openaiBaseUrl });
    expect(await anthropic.listModels?.({ timeoutMs: scaled(5000) })).toEqual(
      expect.arrayContaining(["claude-sonnet-5-5", "claude-haiku-5-5"]),
    );
    expect(await openai.listModels?.({ timeoutMs: scaled(5000) })).toEqual(
      expect.arrayContaining(["gpt-6-sol", "gpt-6-sol-mini"]),
    );
  });

  it("answers a model it does not serve with the API's 404 when its models are given", async () => {
    server = await startFakeLlmServer({ models: { openai: ["qwen3"] }, responder: () => textResponse("hi") });
    const openai = createOpenAIProvider({ baseUrl: server.openaiBaseUrl });
    const turn = (model: string) =>
      openai.turn({ model, system: "s", messages: [userText("go")], tools: [] });
    expect((await turn("qwen3")).stopReason).toBe("end_turn");
    const refusal = await turn("gpt-6-sol").catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ProviderError);
    expect((refusal as ProviderError).status).toBe(404);
    expect((refusal as ProviderError).message).toContain("The model `gpt-6-sol` does not exist");
  });
});
