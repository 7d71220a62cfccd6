import { randomUUID } from "node:crypto";
import type OpenAI from "openai";
import type { MessagePart, StopReason, Usage } from "../../domain/messages.ts";
import type { ModelTurnResult } from "../../domain/model.ts";
import { parseToolArguments } from "./tool-arguments.ts";

/** Compatible servers vary: `stop`, `eos`, `tool_calls`, `function_call`, or nothing at all. */
function toStopReason(reason: string | null | undefined, hasToolCalls: boolean): StopReason {
  if (hasToolCalls) return "tool_use";
  switch (reason) {
    case "length":
      return "max_tokens";
    case "content_filter":
      return "refusal";
    case "tool_calls":
    case "function_call":
      return "tool_use";
    default:
      return "end_turn";
  }
}

/**
 * OpenAI counts cached tokens inside `prompt_tokens`; Anthropic counts them apart. We follow
 * Anthropic: `inputTokens` is the uncached rest, so each token is priced in one category.
 */
function toUsage(usage: OpenAI.CompletionUsage | null | undefined): Usage {
  const cacheRead = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  const cacheWrite = usage?.prompt_tokens_details?.cache_write_tokens ?? 0;
  return {
    inputTokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cacheRead - cacheWrite),
    outputTokens: usage?.completion_tokens ?? 0,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
  };
}

function generatedToolCallId(): string {
  return `call_${randomUUID().replaceAll("-", "").slice(0, 24)}`;
}

interface ToolCallInProgress {
  id: string | undefined;
  name: string;
  arguments: string;
}

function finishParts(text: string, toolCalls: ToolCallInProgress[]): MessagePart[] {
  const parts: MessagePart[] = text === "" ? [] : [{ type: "text", text }];
  for (const call of toolCalls) {
    parts.push({
      type: "tool_call",
      // Some local servers send no id; the transcript needs one to pair the result.
      id: call.id || generatedToolCallId(),
      name: call.name,
      input: parseToolArguments(call.arguments),
    });
  }
  return parts;
}

export function fromOpenAICompletion(completion: OpenAI.Chat.ChatCompletion): ModelTurnResult {
  const choice = completion.choices?.[0];
  const toolCalls: ToolCallInProgress[] = (choice?.message?.tool_calls ?? [])
    .filter((call) => call.type === "function" || call.type === undefined)
    .map((call) => {
      const functionCall = (call as OpenAI.Chat.ChatCompletionMessageFunctionToolCall).function;
      return { id: call.id, name: functionCall?.name ?? "", arguments: functionCall?.arguments ?? "" };
    });
  return {
    message: { role: "assistant", parts: finishParts(choice?.message?.content ?? "", toolCalls) },
    stopReason: toStopReason(choice?.finish_reason, toolCalls.length > 0),
    usage: toUsage(completion.usage),
    ...(completion.id ? { responseId: completion.id } : {}),
  };
}

/** Folds streamed chunks into the final turn; tool calls are assembled by their index. */
export class OpenAIStreamAssembler {
  readonly #onTextDelta: ((delta: string) => void) | undefined;
  readonly #toolCalls: ToolCallInProgress[] = [];
  #text = "";
  #id: string | undefined;
  #finishReason: string | null | undefined;
  #usage: OpenAI.CompletionUsage | undefined;
  emittedText = false;

  constructor(onTextDelta: ((delta: string) => void) | undefined) {
    this.#onTextDelta = onTextDelta;
  }

  add(chunk: OpenAI.Chat.ChatCompletionChunk): void {
    if (chunk.id && !this.#id) this.#id = chunk.id;
    if (chunk.usage) this.#usage = chunk.usage;
    for (const choice of chunk.choices ?? []) {
      if (choice.index !== undefined && choice.index !== 0) continue;
      const delta = choice.delta;
      if (delta?.content) {
        this.#text += delta.content;
        this.emittedText = true;
        this.#onTextDelta?.(delta.content);
      }
      for (const [position, callDelta] of (delta?.tool_calls ?? []).entries()) {
        const index = callDelta.index ?? position;
        const call = this.#toolCalls[index] ?? { id: undefined, name: "", arguments: "" };
        this.#toolCalls[index] = call;
        if (callDelta.id && !call.id) call.id = callDelta.id;
        // The name normally arrives whole in the first delta; never append a repeat of it.
        if (callDelta.function?.name && call.name === "") call.name = callDelta.function.name;
        if (callDelta.function?.arguments) call.arguments += callDelta.function.arguments;
      }
      if (choice.finish_reason) this.#finishReason = choice.finish_reason;
    }
  }

  finish(): ModelTurnResult {
    const toolCalls = this.#toolCalls.filter((call) => call !== undefined);
    return {
      message: { role: "assistant", parts: finishParts(this.#text, toolCalls) },
      stopReason: toStopReason(this.#finishReason, toolCalls.length > 0),
      usage: toUsage(this.#usage),
      ...(this.#id ? { responseId: this.#id } : {}),
    };
  }
}
