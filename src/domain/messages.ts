/**
 * Provider-neutral conversation model. Transcripts are stored in this shape,
 * and each provider adapter translates it to and from its wire format.
 */
export interface TextPart {
  type: "text";
  text: string;
  /** Kept word for word when older turns are compacted: the brief, and decisions from people or the supervisor. */
  verbatim?: true;
  /** Marks a compaction's summary, which stands for the transcript up to and including this seq. */
  summarizesThrough?: number;
  /** Set in a request (never stored) on the end of a prefix that stays the same: cache up to here. */
  cacheBreakpoint?: true;
}

export interface ToolCallPart {
  type: "tool_call";
  id: string;
  name: string;
  input: unknown;
}

interface ToolResultPart {
  type: "tool_result";
  toolCallId: string;
  /** Name of the tool that produced it; OpenAI-compatible servers need it for some models. */
  toolName: string;
  content: string;
  isError: boolean;
  /** Kept word for word when older turns are compacted: a person's answer or denial. */
  verbatim?: true;
}

/** Model reasoning. Anthropic requires it passed back unchanged, signature included. */
interface ThinkingPart {
  type: "thinking";
  text: string;
  signature?: string;
  /** Anthropic `redacted_thinking` carries only opaque data. */
  redactedData?: string;
}

/**
 * An image a person shared. The transcript stores only where its bytes are (the mailbox event
 * that brought it, and its index there); `data` (base64) is set in a request, never stored.
 */
export interface ImagePart {
  type: "image";
  mediaType: string;
  /** The sharer's file name, already made safe; shown where the image cannot be. */
  name: string;
  eventId: number;
  index: number;
  data?: string;
}

export type MessagePart = TextPart | ToolCallPart | ToolResultPart | ThinkingPart | ImagePart;

export type MessageRole = "user" | "assistant";

export interface ChatMessage {
  role: MessageRole;
  parts: MessagePart[];
}

export interface ToolSchema {
  name: string;
  description: string;
  /** JSON Schema of the input object. */
  inputSchema: Record<string, unknown>;
}

export type StopReason =
  | "end_turn"
  | "tool_use"
  | "max_tokens"
  | "stop_sequence"
  | "refusal"
  /** The output ran into the model's context window: the prompt left too little room. */
  | "context_window_exceeded"
  | "other";

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** The part of `cacheWriteTokens` written with the 1-hour TTL, which costs more; absent means none. */
  longCacheWriteTokens?: number;
}

export const emptyUsage: Usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

export function addUsage(left: Usage, right: Usage): Usage {
  return {
    inputTokens: left.inputTokens + right.inputTokens,
    outputTokens: left.outputTokens + right.outputTokens,
    cacheReadTokens: left.cacheReadTokens + right.cacheReadTokens,
    cacheWriteTokens: left.cacheWriteTokens + right.cacheWriteTokens,
    ...(left.longCacheWriteTokens || right.longCacheWriteTokens
      ? { longCacheWriteTokens: (left.longCacheWriteTokens ?? 0) + (right.longCacheWriteTokens ?? 0) }
      : {}),
  };
}

export function textOf(message: ChatMessage): string {
  return message.parts
    .filter((part): part is TextPart => part.type === "text")
    .map((part) => part.text)
    .join("");
}

export function toolCallsOf(message: ChatMessage): ToolCallPart[] {
  return message.parts.filter((part): part is ToolCallPart => part.type === "tool_call");
}
