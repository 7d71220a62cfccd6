import type Anthropic from "@anthropic-ai/sdk";
import type { MessagePart, StopReason, Usage } from "../../domain/messages.ts";
import type { ModelTurnResult } from "../../domain/model.ts";
import { parseToolArguments } from "./tool-arguments.ts";

function toStopReason(reason: string | null | undefined): StopReason {
  switch (reason) {
    case "end_turn":
    case "tool_use":
    case "max_tokens":
    case "stop_sequence":
    case "refusal":
      return reason;
    case "model_context_window_exceeded":
      return "context_window_exceeded";
    default:
      return "other";
  }
}

type UsageFields = Partial<
  Pick<
    Anthropic.Usage,
    | "input_tokens"
    | "output_tokens"
    | "cache_read_input_tokens"
    | "cache_creation_input_tokens"
    | "cache_creation"
  >
>;

function toUsage(usage: UsageFields | null | undefined): Usage {
  const longWrites = usage?.cache_creation?.ephemeral_1h_input_tokens ?? 0;
  return {
    inputTokens: usage?.input_tokens ?? 0,
    outputTokens: usage?.output_tokens ?? 0,
    cacheReadTokens: usage?.cache_read_input_tokens ?? 0,
    cacheWriteTokens: usage?.cache_creation_input_tokens ?? 0,
    ...(longWrites > 0 ? { longCacheWriteTokens: longWrites } : {}),
  };
}

function toPart(block: Anthropic.ContentBlock): MessagePart | undefined {
  switch (block.type) {
    case "text":
      return { type: "text", text: block.text };
    case "thinking":
      return { type: "thinking", text: block.thinking, signature: block.signature };
    case "redacted_thinking":
      return { type: "thinking", text: "", redactedData: block.data };
    case "tool_use":
      return { type: "tool_call", id: block.id, name: block.name, input: block.input };
    default:
      // Server-side tool blocks are not used by Threadwork.
      return undefined;
  }
}

export function fromAnthropicMessage(message: Anthropic.Message): ModelTurnResult {
  return {
    message: { role: "assistant", parts: message.content.map(toPart).filter((part) => part !== undefined) },
    stopReason: toStopReason(message.stop_reason),
    usage: toUsage(message.usage),
    responseId: message.id,
  };
}

type BlockInProgress =
  | { type: "text"; text: string }
  | { type: "thinking"; text: string; signature: string }
  | { type: "redacted_thinking"; data: string }
  | { type: "tool_use"; id: string; name: string; json: string; input: unknown }
  | { type: "ignored" };

/** Folds raw stream events into the final turn, calling `onTextDelta` for each text delta. */
export class AnthropicStreamAssembler {
  readonly #blocks: BlockInProgress[] = [];
  readonly #onTextDelta: ((delta: string) => void) | undefined;
  #id: string | undefined;
  #stopReason: string | null = null;
  #usage: UsageFields = {};
  /** True once any text reached the caller, after which a retry would repeat it. */
  emittedText = false;
  /** True once `message_stop` arrived; a stream that ends without it was cut off. */
  complete = false;

  constructor(onTextDelta: ((delta: string) => void) | undefined) {
    this.#onTextDelta = onTextDelta;
  }

  add(event: Anthropic.RawMessageStreamEvent): void {
    switch (event.type) {
      case "message_start":
        this.#id = event.message.id;
        this.#usage = { ...event.message.usage };
        break;
      case "content_block_start": {
        const block = event.content_block;
        this.#blocks[event.index] =
          block.type === "text"
            ? { type: "text", text: block.text }
            : block.type === "thinking"
              ? { type: "thinking", text: block.thinking, signature: block.signature }
              : block.type === "redacted_thinking"
                ? { type: "redacted_thinking", data: block.data }
                : block.type === "tool_use"
                  ? { type: "tool_use", id: block.id, name: block.name, json: "", input: block.input }
                  : { type: "ignored" };
        if (block.type === "text" && block.text !== "") this.#emit(block.text);
        break;
      }
      case "content_block_delta": {
        const block = this.#blocks[event.index];
        const delta = event.delta;
        if (delta.type === "text_delta" && block?.type === "text") {
          block.text += delta.text;
          this.#emit(delta.text);
        } else if (delta.type === "thinking_delta" && block?.type === "thinking") {
          block.text += delta.thinking;
        } else if (delta.type === "signature_delta" && block?.type === "thinking") {
          block.signature += delta.signature;
        } else if (delta.type === "input_json_delta" && block?.type === "tool_use") {
          block.json += delta.partial_json;
        }
        break;
      }
      case "message_delta":
        this.#stopReason = event.delta.stop_reason;
        for (const [key, value] of Object.entries(event.usage)) {
          if (value !== null && value !== undefined) (this.#usage as Record<string, unknown>)[key] = value;
        }
        break;
      case "message_stop":
        this.complete = true;
        break;
      default:
        break;
    }
  }

  #emit(text: string): void {
    this.emittedText = true;
    this.#onTextDelta?.(text);
  }

  finish(): ModelTurnResult {
    const parts: MessagePart[] = [];
    for (const block of this.#blocks) {
      if (!block) continue;
      if (block.type === "text") parts.push({ type: "text", text: block.text });
      else if (block.type === "thinking")
        parts.push({ type: "thinking", text: block.text, signature: block.signature });
      else if (block.type === "redacted_thinking")
        parts.push({ type: "thinking", text: "", redactedData: block.data });
      else if (block.type === "tool_use") {
        const input = block.json === "" ? (block.input ?? {}) : parseToolArguments(block.json);
        parts.push({ type: "tool_call", id: block.id, name: block.name, input });
      }
    }
    return {
      message: { role: "assistant", parts },
      stopReason: toStopReason(this.#stopReason),
      usage: toUsage(this.#usage),
      ...(this.#id === undefined ? {} : { responseId: this.#id }),
    };
  }
}
