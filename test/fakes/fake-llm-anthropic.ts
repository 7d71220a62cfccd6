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
  stopReasonOf,
} from "./fake-llm-responses.ts";

export interface RenderedUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  longCacheWriteTokens: number;
}

function contentBlocks(content: unknown): Record<string, unknown>[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return asArray(content).map(asRecord);
}

function toolResultText(block: Record<string, unknown>): string {
  if (typeof block.content === "string") return block.content;
  return asArray(block.content)
    .map((item) => asString(asRecord(item).text))
    .join("");
}

export function parseAnthropicRequest(
  body: Record<string, unknown>,
): Omit<FakeLlmRequest, "api" | "path" | "headers" | "body" | "receivedAt" | "promptTokens"> {
  const system =
    typeof body.system === "string"
      ? body.system
      : asArray(body.system)
          .map((block) => asString(asRecord(block).text))
          .join("");
  const messages: FakeMessage[] = asArray(body.messages).map((item) => {
    const message = asRecord(item);
    const blocks = contentBlocks(message.content);
    return {
      role: message.role === "assistant" ? "assistant" : "user",
      text: blocks
        .filter((block) => block.type === "text")
        .map((block) => asString(block.text))
        .join(""),
      toolCalls: blocks
        .filter((block) => block.type === "tool_use")
        .map((block) => ({ id: asString(block.id), name: asString(block.name), input: block.input })),
      toolResults: blocks
        .filter((block) => block.type === "tool_result")
        .map((block) => ({
          toolCallId: asString(block.tool_use_id),
          content: unfence(toolResultText(block)),
          sent: toolResultText(block),
          isError: block.is_error === true,
        })),
      raw: blocks,
    };
  });
  const merged = mergeMessages(messages);
  return {
    stream: body.stream === true,
    model: asString(body.model),
    system,
    toolNames: asArray(body.tools).map((tool) => asString(asRecord(tool).name)),
    messages: merged,
    ...describeConversation(merged),
  };
}

function breakpointOf(block: Record<string, unknown>): PromptBlock["breakpoint"] {
  const control = asRecord(block.cache_control);
  if (control.type !== "ephemeral") return undefined;
  return control.ttl === "1h" ? "1h" : "5m";
}

function promptBlock(prefix: string, block: Record<string, unknown>): PromptBlock {
  const { cache_control: _ignored, ...content } = block;
  const key = `${prefix}${JSON.stringify(content)}`;
  const breakpoint = breakpointOf(block);
  return { key, tokens: approximateTokens(key), ...(breakpoint ? { breakpoint } : {}) };
}

/** Anthropic refuses a request with more than 4 `cache_control` blocks (400 invalid_request_error). */
export function tooManyBreakpoints(body: Record<string, unknown>): FakeLlmError | undefined {
  const found = anthropicPromptBlocks(body).filter((block) => block.breakpoint !== undefined).length;
  if (found <= 4) return undefined;
  return {
    status: 400,
    type: "invalid_request_error",
    message: `A maximum of 4 blocks with cache_control may be provided. Found ${found}.`,
  };
}

/** The prompt in cache order: tools, then system, then every message's blocks. */
export function anthropicPromptBlocks(body: Record<string, unknown>): PromptBlock[] {
  const blocks: PromptBlock[] = [];
  for (const tool of asArray(body.tools)) blocks.push(promptBlock("tool:", asRecord(tool)));
  for (const block of contentBlocks(body.system ?? [])) blocks.push(promptBlock("system:", block));
  for (const item of asArray(body.messages)) {
    const message = asRecord(item);
    for (const block of contentBlocks(message.content)) {
      blocks.push(promptBlock(`${asString(message.role)}:`, block));
    }
  }
  return blocks;
}

function errorType(status: number): string {
  switch (status) {
    case 400:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 529:
      return "overloaded_error";
    default:
      return "api_error";
  }
}

export function anthropicErrorBody(error: FakeLlmError, requestId: string): Record<string, unknown> {
  const type = error.type ?? errorType(error.status);
  return {
    type: "error",
    error: { type, message: error.message ?? (type === "overloaded_error" ? "Overloaded" : `Fake ${type}`) },
    request_id: requestId,
  };
}

function contentOf(response: FakeLlmResponse, toolId: () => string): Record<string, unknown>[] {
  const content: Record<string, unknown>[] = [];
  if (response.thinking) {
    content.push({
      type: "thinking",
      thinking: response.thinking.text,
      signature: response.thinking.signature,
    });
  }
  if (response.redactedThinking !== undefined) {
    content.push({ type: "redacted_thinking", data: response.redactedThinking });
  }
  if (response.text !== undefined && response.text !== "")
    content.push({ type: "text", text: response.text });
  for (const call of response.toolCalls ?? []) {
    content.push({ type: "tool_use", id: call.id ?? toolId(), name: call.name, input: call.input ?? {} });
  }
  return content;
}

function usageBody(usage: RenderedUsage): Record<string, unknown> {
  return {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    cache_read_input_tokens: usage.cacheReadTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_creation: {
      ephemeral_5m_input_tokens: usage.cacheWriteTokens - usage.longCacheWriteTokens,
      ephemeral_1h_input_tokens: usage.longCacheWriteTokens,
    },
    service_tier: "standard",
  };
}

export interface AnthropicRenderContext {
  id: string;
  model: string;
  usage: RenderedUsage;
  toolId: () => string;
}

export function anthropicMessageBody(response: FakeLlmResponse, context: AnthropicRenderContext) {
  return {
    id: context.id,
    type: "message",
    role: "assistant",
    model: context.model,
    content: contentOf(response, context.toolId),
    stop_reason: stopReasonOf(response),
    stop_sequence: null,
    usage: usageBody(context.usage),
  };
}

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The SSE events of one streamed message, in the order the real API sends them. */
export function anthropicStreamEvents(response: FakeLlmResponse, context: AnthropicRenderContext): string[] {
  const size = response.chunkSize ?? 8;
  const events: string[] = [];
  events.push(
    sse("message_start", {
      type: "message_start",
      message: {
        ...anthropicMessageBody({}, context),
        content: [],
        stop_reason: null,
        usage: { ...usageBody(context.usage), output_tokens: 1 },
      },
    }),
  );
  events.push(sse("ping", { type: "ping" }));
  let failed = false;
  contentOf(response, context.toolId).forEach((block, index) => {
    if (failed) return;
    const start = (content_block: unknown) =>
      events.push(sse("content_block_start", { type: "content_block_start", index, content_block }));
    const delta = (deltaBody: unknown) =>
      events.push(sse("content_block_delta", { type: "content_block_delta", index, delta: deltaBody }));
    if (block.type === "thinking") {
      start({ type: "thinking", thinking: "", signature: "" });
      for (const chunk of chunksOf(asString(block.thinking), size))
        delta({ type: "thinking_delta", thinking: chunk });
      delta({ type: "signature_delta", signature: block.signature });
    } else if (block.type === "redacted_thinking") {
      start(block);
    } else if (block.type === "text") {
      start({ type: "text", text: "" });
      for (const chunk of chunksOf(asString(block.text), size)) {
        delta({ type: "text_delta", text: chunk });
        if (response.streamError && !failed) {
          failed = true;
          events.push(sse("error", anthropicErrorBody(response.streamError, context.id)));
          return;
        }
      }
    } else if (block.type === "tool_use") {
      start({ ...block, input: {} });
      for (const chunk of chunksOf(JSON.stringify(block.input), size)) {
        delta({ type: "input_json_delta", partial_json: chunk });
      }
    }
    events.push(sse("content_block_stop", { type: "content_block_stop", index }));
  });
  if (failed) return events;
  events.push(
    sse("message_delta", {
      type: "message_delta",
      delta: { stop_reason: stopReasonOf(response), stop_sequence: null },
      usage: { output_tokens: context.usage.outputTokens },
    }),
  );
  events.push(sse("message_stop", { type: "message_stop" }));
  return events;
}
