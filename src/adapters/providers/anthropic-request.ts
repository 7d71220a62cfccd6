import type Anthropic from "@anthropic-ai/sdk";
import type { ChatMessage, MessagePart, ToolSchema } from "../../domain/messages.ts";
import type { CacheRetention, ModelTurnRequest } from "../../domain/model.ts";
import { imageNote } from "./image-note.ts";
import { toolParameters } from "./tool-arguments.ts";

type MessageParam = Anthropic.MessageParam;
type ContentBlockParam = Anthropic.ContentBlockParam;
type CacheControl = Anthropic.CacheControlEphemeral;

const defaultMaxOutputTokens = 8192;

function cacheControlFor(retention: CacheRetention | undefined): CacheControl {
  return retention === "long" ? { type: "ephemeral", ttl: "1h" } : { type: "ephemeral" };
}

function toBlock(part: MessagePart, cacheControl: CacheControl): ContentBlockParam | undefined {
  switch (part.type) {
    case "text":
      // The API refuses empty text blocks.
      if (part.text === "") return undefined;
      return part.cacheBreakpoint
        ? { type: "text", text: part.text, cache_control: cacheControl }
        : { type: "text", text: part.text };
    case "tool_call":
      return { type: "tool_use", id: part.id, name: part.name, input: part.input ?? {} };
    case "tool_result":
      return {
        type: "tool_result",
        tool_use_id: part.toolCallId,
        content: part.content,
        ...(part.isError ? { is_error: true } : {}),
      };
    case "image":
      return part.data === undefined
        ? { type: "text", text: imageNote(part) }
        : {
            type: "image",
            source: {
              type: "base64",
              media_type: part.mediaType as Anthropic.Base64ImageSource["media_type"],
              data: part.data,
            },
          };
    case "thinking":
      if (part.redactedData !== undefined) return { type: "redacted_thinking", data: part.redactedData };
      // Thinking without a signature came from another provider; Anthropic would refuse it.
      if (part.signature === undefined) return undefined;
      return { type: "thinking", thinking: part.text, signature: part.signature };
  }
}

/**
 * Neutral messages to Messages API messages. Consecutive messages of one role merge into one
 * (so separate tool results share a user message), and a user message puts its tool results
 * first, as the API requires.
 */
function toAnthropicMessages(
  messages: ChatMessage[],
  cacheControl: CacheControl = { type: "ephemeral" },
): MessageParam[] {
  const result: { role: "user" | "assistant"; content: ContentBlockParam[] }[] = [];
  for (const message of messages) {
    const blocks = message.parts
      .map((part) => toBlock(part, cacheControl))
      .filter((block) => block !== undefined);
    if (blocks.length === 0) continue;
    const previous = result.at(-1);
    if (previous && previous.role === message.role) previous.content.push(...blocks);
    else result.push({ role: message.role, content: blocks });
  }
  for (const message of result) {
    if (message.role !== "user") continue;
    const results = message.content.filter((block) => block.type === "tool_result");
    const others = message.content.filter((block) => block.type !== "tool_result");
    message.content = [...results, ...others];
  }
  return result;
}

/** Tools sorted by name so the cached prefix does not change when the caller's order does. */
function toAnthropicTools(tools: ToolSchema[], cacheControl: CacheControl): Anthropic.Tool[] {
  const sorted = [...tools].sort((left, right) =>
    left.name < right.name ? -1 : left.name > right.name ? 1 : 0,
  );
  return sorted.map((tool, index) => ({
    name: tool.name,
    description: tool.description,
    input_schema: toolParameters(tool.inputSchema) as Anthropic.Tool.InputSchema,
    ...(index === sorted.length - 1 ? { cache_control: cacheControl } : {}),
  }));
}

/** The API accepts at most this many `cache_control` blocks in one request. */
const maximumBreakpoints = 4;
/** Anthropic looks for an earlier cache entry "about 20" blocks before a breakpoint; stay inside that. */
const cacheLookbackBlocks = 15;

const isThinking = (block: ContentBlockParam) =>
  block.type === "thinking" || block.type === "redacted_thinking";

/** Marks a message's last block that may carry a breakpoint (thinking blocks may not). */
function markMessage(message: MessageParam | undefined, cacheControl: CacheControl): boolean {
  if (!message || typeof message.content === "string") return false;
  for (let index = message.content.length - 1; index >= 0; index--) {
    const block = message.content[index];
    if (!block || isThinking(block)) continue;
    message.content[index] = { ...block, cache_control: cacheControl } as ContentBlockParam;
    return true;
  }
  return false;
}

function breakpointsIn(message: MessageParam): number {
  if (typeof message.content === "string") return 0;
  return message.content.filter((block) => "cache_control" in block).length;
}

function endsWithBreakpoint(message: MessageParam): boolean {
  if (typeof message.content === "string") return false;
  const last = message.content.findLast((block) => !isThinking(block));
  return last !== undefined && "cache_control" in last;
}

function blockCount(messages: MessageParam[]): number {
  return messages.reduce(
    (sum, message) => sum + (typeof message.content === "string" ? 1 : message.content.length),
    0,
  );
}

/**
 * The previous turn's newest message (the one before the last assistant reply), when the newest
 * breakpoint's lookback can no longer reach it: a turn that added many blocks (parallel tool
 * results, a burst of events) would otherwise miss the cache and write the whole conversation again.
 */
function previousTurnEnd(messages: MessageParam[]): MessageParam | undefined {
  let reply = messages.length - 2;
  while (reply > 0 && messages[reply]?.role !== "assistant") reply--;
  if (reply <= 0) return undefined;
  const previous = messages[reply - 1];
  if (!previous || endsWithBreakpoint(previous)) return undefined;
  return blockCount(messages.slice(reply)) > cacheLookbackBlocks ? previous : undefined;
}

/**
 * The Messages API body for one turn. Cache breakpoints sit at the end of the sorted tools, the
 * end of the system prompt and the newest message, so each turn reads the previous turn's prefix
 * from the cache. After a compaction one ends the first message, which the compaction keeps byte
 * for byte (`cacheBreakpoint`); when a turn added more blocks than the lookback reaches, one ends
 * the previous turn's newest message. Over the 4 allowed, the tools' goes first: the system
 * prompt's breakpoint right after it caches the same prefix.
 */
export function buildAnthropicRequest(request: ModelTurnRequest): Anthropic.MessageCreateParamsNonStreaming {
  const cacheControl = cacheControlFor(request.cacheRetention);
  const messages = toAnthropicMessages(request.messages, cacheControl);
  const previous = previousTurnEnd(messages);
  if (previous) markMessage(previous, cacheControl);
  markMessage(messages.at(-1), cacheControl);
  const system = request.system !== "";
  const inMessages = messages.reduce((sum, message) => sum + breakpointsIn(message), 0);
  const tools = toAnthropicTools(request.tools, cacheControl);
  const toolsBreakpoint = tools.length > 0 && (!system || inMessages + 2 <= maximumBreakpoints);
  const lastTool = tools.at(-1);
  if (lastTool && !toolsBreakpoint) delete lastTool.cache_control;
  return {
    model: request.model,
    max_tokens: request.maxOutputTokens ?? defaultMaxOutputTokens,
    messages,
    ...(system ? { system: [{ type: "text", text: request.system, cache_control: cacheControl }] } : {}),
    ...(tools.length === 0 ? {} : { tools }),
  };
}
