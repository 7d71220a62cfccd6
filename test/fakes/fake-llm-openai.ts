import type { RenderedUsage } from "./fake-llm-anthropic.ts";
import type { PromptBlock } from "./fake-llm-cache.ts";
import {
  asArray,
  asRecord,
  asString,
  describeConversation,
  type FakeLlmRequest,
  type FakeMessage,
  mergeMessages,
  unfence,
} from "./fake-llm-request.ts";
import {
  approximateTokens,
  chunksOf,
  type FakeLlmError,
  type FakeLlmResponse,
  type FakeStopReason,
  stopReasonOf,
} from "./fake-llm-responses.ts";

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  return asArray(content)
    .map((part) => asString(asRecord(part).text))
    .join("");
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function parseOpenAIRequest(
  body: Record<string, unknown>,
): Omit<FakeLlmRequest, "api" | "path" | "headers" | "body" | "receivedAt" | "promptTokens"> {
  const all = asArray(body.messages).map(asRecord);
  const system = all
    .filter((message) => message.role === "system" || message.role === "developer")
    .map((message) => textOf(message.content))
    .join("\n");
  const messages: FakeMessage[] = all
    .filter((message) => message.role !== "system" && message.role !== "developer")
    .map((message) => {
      if (message.role === "tool") {
        const content = textOf(message.content);
        return {
          role: "user",
          text: "",
          toolCalls: [],
          toolResults: [
            {
              toolCallId: asString(message.tool_call_id),
              content: unfence(content),
              sent: content,
              isError: content.startsWith("Error: "),
            },
          ],
          raw: [message],
        };
      }
      return {
        role: message.role === "assistant" ? "assistant" : "user",
        text: textOf(message.content),
        toolCalls: asArray(message.tool_calls).map((item) => {
          const call = asRecord(item);
          const fn = asRecord(call.function);
          return {
            id: asString(call.id),
            name: asString(fn.name),
            input: parseArguments(asString(fn.arguments)),
          };
        }),
        toolResults: [],
        raw: [message],
      };
    });
  const merged = mergeMessages(messages);
  return {
    stream: body.stream === true,
    model: asString(body.model),
    system,
    toolNames: asArray(body.tools).map((tool) => asString(asRecord(asRecord(tool).function).name)),
    messages: merged,
    ...describeConversation(merged),
  };
}

/** Tools (as one block), then each message: the units OpenAI's automatic cache matches on. */
export function openaiPromptBlocks(body: Record<string, unknown>): PromptBlock[] {
  const blocks: PromptBlock[] = [];
  const tools = JSON.stringify(body.tools ?? []);
  blocks.push({ key: `tools:${tools}`, tokens: approximateTokens(tools) });
  for (const message of asArray(body.messages)) {
    const key = JSON.stringify(message);
    blocks.push({ key, tokens: approximateTokens(key) });
  }
  return blocks;
}

export function openaiErrorBody(error: FakeLlmError): Record<string, unknown> {
  const [type, code] =
    error.status === 429
      ? ["requests", "rate_limit_exceeded"]
      : error.status >= 500
        ? ["server_error", null]
        : error.status === 401
          ? ["invalid_request_error", "invalid_api_key"]
          : ["invalid_request_error", null];
  return {
    error: {
      message: error.message ?? `Fake ${error.type ?? type}`,
      type: error.type ?? type,
      param: error.param ?? null,
      code: error.code ?? code,
    },
  };
}

function finishReason(stopReason: FakeStopReason): string {
  switch (stopReason) {
    case "tool_use":
      return "tool_calls";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "refusal":
      return "content_filter";
    default:
      return "stop";
  }
}

export interface OpenAIRenderContext {
  id: string;
  model: string;
  created: number;
  usage: RenderedUsage;
  toolId: () => string;
}

function usageBody(usage: RenderedUsage): Record<string, unknown> {
  const prompt = usage.inputTokens + usage.cacheReadTokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.outputTokens,
    total_tokens: prompt + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cacheReadTokens },
  };
}

function finishOf(response: FakeLlmResponse): string | null {
  const quirk = response.openaiQuirks?.finishReason;
  return quirk !== undefined ? quirk : finishReason(stopReasonOf(response));
}

function calls(response: FakeLlmResponse, toolId: () => string) {
  return (response.toolCalls ?? []).map((call) => ({
    ...(response.openaiQuirks?.omitToolCallIds ? {} : { id: call.id ?? toolId() }),
    type: "function",
    function: { name: call.name, arguments: JSON.stringify(call.input ?? {}) },
  }));
}

export function openaiCompletionBody(response: FakeLlmResponse, context: OpenAIRenderContext) {
  const quirks = response.openaiQuirks ?? {};
  const toolCalls = calls(response, context.toolId);
  return {
    ...(quirks.omitIds ? {} : { id: context.id }),
    object: "chat.completion",
    created: context.created,
    model: context.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: response.text ?? null,
          ...(toolCalls.length === 0 ? {} : { tool_calls: toolCalls }),
        },
        finish_reason: finishOf(response),
      },
    ],
    ...(quirks.omitUsage ? {} : { usage: usageBody(context.usage) }),
  };
}

/** `data:` lines of one streamed completion, ending in `[DONE]`; tool calls arrive in fragments by index. */
export function openaiStreamEvents(
  response: FakeLlmResponse,
  context: OpenAIRenderContext,
  includeUsage: boolean,
): string[] {
  const quirks = response.openaiQuirks ?? {};
  const size = response.chunkSize ?? 8;
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({
      ...(quirks.omitIds ? {} : { id: context.id }),
      object: "chat.completion.chunk",
      created: context.created,
      model: context.model,
      choices,
      ...extra,
    })}\n\n`;
  const delta = (body: Record<string, unknown>, finish: string | null = null) =>
    chunk([{ index: 0, delta: body, finish_reason: finish }]);
  const events = [delta({ role: "assistant", content: "" })];
  for (const text of chunksOf(response.text ?? "", size)) {
    events.push(delta({ content: text }));
    if (response.streamError) {
      events.push(`data: ${JSON.stringify(openaiErrorBody(response.streamError))}\n\n`);
      return events;
    }
  }
  calls(response, context.toolId).forEach((call, index) => {
    events.push(
      delta({ tool_calls: [{ index, ...call, function: { name: call.function.name, arguments: "" } }] }),
    );
    for (const fragment of chunksOf(call.function.arguments, size)) {
      events.push(delta({ tool_calls: [{ index, function: { arguments: fragment } }] }));
    }
  });
  events.push(delta({}, finishOf(response)));
  if (includeUsage && !quirks.omitUsage) events.push(chunk([], { usage: usageBody(context.usage) }));
  events.push("data: [DONE]\n\n");
  return events;
}
