import type OpenAI from "openai";
import type { ChatMessage, ImagePart, ToolSchema } from "../../domain/messages.ts";
import type { ModelTurnRequest } from "../../domain/model.ts";
import { imageNote } from "./image-note.ts";
import { toolParameters } from "./tool-arguments.ts";

type MessageParam = OpenAI.Chat.ChatCompletionMessageParam;

export interface OpenAIRequestOptions {
  /** True for OpenAI-compatible servers (vLLM, Ollama, llama.cpp) rather than OpenAI itself. */
  compatibleServer: boolean;
}

/** An image as Chat Completions takes it: a data URL; without its bytes, a note instead. */
function imageContent(part: ImagePart): OpenAI.Chat.ChatCompletionContentPart {
  return part.data === undefined
    ? { type: "text", text: imageNote(part) }
    : { type: "image_url", image_url: { url: `data:${part.mediaType};base64,${part.data}` } };
}

/**
 * Neutral messages to Chat Completions messages. Tool results become `role: "tool"` messages
 * placed right after the assistant message that called them; thinking parts are dropped,
 * as Chat Completions has no way to pass reasoning back.
 */
function toOpenAIMessages(
  system: string,
  messages: ChatMessage[],
  options: OpenAIRequestOptions,
): MessageParam[] {
  const result: MessageParam[] = system === "" ? [] : [{ role: "system", content: system }];
  for (const message of messages) {
    const text = message.parts
      .filter((part) => part.type === "text")
      .map((part) => part.text)
      .join("");
    if (message.role === "assistant") {
      const toolCalls = message.parts
        .filter((part) => part.type === "tool_call")
        .map((part) => ({
          id: part.id,
          type: "function" as const,
          function: {
            name: part.name,
            arguments: typeof part.input === "string" ? part.input : JSON.stringify(part.input ?? {}),
          },
        }));
      if (text === "" && toolCalls.length === 0) continue;
      result.push({
        role: "assistant",
        content: text === "" ? null : text,
        ...(toolCalls.length === 0 ? {} : { tool_calls: toolCalls }),
      });
      continue;
    }
    for (const part of message.parts) {
      if (part.type !== "tool_result") continue;
      result.push({
        role: "tool",
        tool_call_id: part.toolCallId,
        // There is no error flag in Chat Completions, so the content says it.
        content: part.isError ? `Error: ${part.content}` : part.content,
        // Some models behind compatible servers need the tool's name; OpenAI itself has no such field.
        ...(options.compatibleServer ? { name: part.toolName } : {}),
      } as MessageParam);
    }
    const images = message.parts.filter((part) => part.type === "image");
    if (images.length === 0) {
      if (text !== "") result.push({ role: "user", content: text });
      continue;
    }
    result.push({
      role: "user",
      content: [...(text === "" ? [] : [{ type: "text" as const, text }]), ...images.map(imageContent)],
    });
  }
  return result;
}

/** Tools sorted by name, which keeps the prompt prefix stable for OpenAI's automatic caching. */
function toOpenAITools(tools: ToolSchema[]): OpenAI.Chat.ChatCompletionFunctionTool[] {
  return [...tools]
    .sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0))
    .map((tool) => ({
      type: "function",
      function: {
        name: tool.name,
        description: tool.description,
        parameters: toolParameters(tool.inputSchema),
      },
    }));
}

export function buildOpenAIRequest(
  request: ModelTurnRequest,
  options: OpenAIRequestOptions,
): OpenAI.Chat.ChatCompletionCreateParamsNonStreaming {
  const maxTokens = request.maxOutputTokens;
  return {
    model: request.model,
    messages: toOpenAIMessages(request.system, request.messages, options),
    ...(request.tools.length === 0 ? {} : { tools: toOpenAITools(request.tools) }),
    // OpenAI's newer models take only `max_completion_tokens`; local servers know `max_tokens` best.
    ...(maxTokens === undefined
      ? {}
      : options.compatibleServer
        ? { max_tokens: maxTokens }
        : { max_completion_tokens: maxTokens }),
  };
}
