import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAnthropicProvider } from "../../src/adapters/providers/anthropic-provider.ts";
import { createOpenAIProvider } from "../../src/adapters/providers/openai-provider.ts";
import { mcpToolNames } from "../../src/domain/mcp-tool-names.ts";
import { providerToolSchema } from "../../src/domain/mcp-tool-schema.ts";
import type { ToolSchema } from "../../src/domain/messages.ts";
import type { ModelProvider, ModelTurnRequest } from "../../src/domain/model.ts";
import { type FakeLlmServer, startFakeLlmServer, textResponse } from "../fakes/fake-llm-server.ts";
import { recordingSleep, userText } from "./provider-test-helpers.ts";

/** Schemas MCP servers send that a provider refuses as they are. */
const awkward: { server: string; name: string; inputSchema: Record<string, unknown> }[] = [
  {
    server: "tracker",
    name: "create.issue",
    inputSchema: {
      $schema: "http://json-schema.org/draft-07/schema#",
      anyOf: [{ properties: { title: { $ref: "#/definitions/Text" } }, required: ["title"] }],
      definitions: { Text: { type: "string", minLength: 1 } },
    },
  },
  { server: "tracker", name: "create/issue", inputSchema: { type: "object", oneOf: [{ required: ["a"] }] } },
  { server: "docs", name: "x".repeat(80), inputSchema: {} },
];

let server: FakeLlmServer;
beforeEach(async () => {
  server = await startFakeLlmServer();
});
afterEach(async () => {
  await server.close();
});

const providers: [string, () => ModelProvider, string][] = [
  [
    "Anthropic",
    () =>
      createAnthropicProvider({
        apiKey: "sk-ant-test",
        baseUrl: server.anthropicBaseUrl,
        retryPolicy: { maxAttempts: 1 },
      }),
    "claude-haiku-5-5",
  ],
  [
    "OpenAI",
    () =>
      createOpenAIProvider({
        apiKey: "sk-proj-test",
        baseUrl: server.openaiBaseUrl,
        sleep: recordingSleep().sleep,
      }),
    "gpt-6-sol",
  ],
];

function request(model: string, tools: ToolSchema[]): ModelTurnRequest {
  return { model, system: "s", messages: [userText("hi")], tools };
}

describe.each(providers)("MCP tools as %s takes them", (_name, provider, model) => {
  it("refuses the servers' names and schemas as they are, like the real API", async () => {
    for (const tool of awkward) {
      server.script(textResponse("ok"));
      const raw: ToolSchema = {
        name: `${tool.server}__${tool.name}`,
        description: "d",
        inputSchema: tool.inputSchema,
      };
      await expect(provider().turn(request(model, [raw]))).rejects.toThrow(/400|pattern|object|top level/i);
    }
  });

  it("accepts them once named and simplified", async () => {
    const names = mcpToolNames(awkward);
    const tools = awkward.map((tool, index) => {
      const converted = providerToolSchema(tool.inputSchema);
      if ("problem" in converted) throw new Error(converted.problem);
      return { name: names[index] ?? "", description: "d", inputSchema: converted.schema };
    });
    server.script(textResponse("ok"));
    const result = await provider().turn(request(model, tools));
    expect(result.stopReason).toBe("end_turn");
    expect(server.requests.at(-1)?.toolNames.sort()).toEqual([...names].sort());
  });
});
