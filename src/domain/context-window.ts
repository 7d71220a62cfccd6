import type { ChatMessage, MessagePart, ToolSchema, Usage } from "./messages.ts";

/**
 * How much of a model's context window a transcript may use. Tokens are estimated as
 * characters / 4 (rounded up), which is close for English and code and errs low for dense
 * JSON or non-Latin text; the shares below leave room for that error and for the output.
 */
export const contextShares = {
  /** Compact before a turn whose prompt is estimated above this share of the window. */
  compactAbove: 0.75,
  /** Newest turns kept verbatim by a compaction, at most this share. */
  keepRecent: 0.25,
  /** One summarising request reads at most this share (the rest waits for the next compaction). */
  summaryInput: 0.5,
  /** A single tool result shown to the model, at most this share. */
  toolResult: 0.2,
} as const;

const charactersPerToken = 4;

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / charactersPerToken);
}

export function tokensToCharacters(tokens: number): number {
  return Math.max(0, Math.floor(tokens * charactersPerToken));
}

/** An image costs about 1,600 tokens at the size providers scale it to, whatever its bytes. */
const imageCharacters = 1600 * charactersPerToken;

function partCharacters(part: MessagePart): number {
  switch (part.type) {
    case "text":
      return part.text.length;
    case "thinking":
      return part.text.length + (part.signature?.length ?? 0) + (part.redactedData?.length ?? 0);
    case "tool_call":
      return part.name.length + JSON.stringify(part.input ?? {}).length;
    case "tool_result":
      return part.toolName.length + part.content.length;
    case "image":
      return imageCharacters;
  }
}

/** Every part's characters / 4, plus a few tokens per message for its framing. */
export function estimateMessageTokens(messages: readonly ChatMessage[]): number {
  let characters = 0;
  for (const message of messages) {
    characters += 16;
    for (const part of message.parts) characters += partCharacters(part) + 16;
  }
  return Math.ceil(characters / charactersPerToken);
}

/** The fixed part of every request: the system prompt and the tools' schemas. */
export function estimatePrefixTokens(system: string, tools: readonly ToolSchema[]): number {
  return estimateTokens(system) + estimateTokens(JSON.stringify(tools));
}

/** The prompt the provider counted for a turn: uncached, cached and newly cached input. */
export function promptTokensOf(usage: Usage): number {
  return usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}

/**
 * The largest tool result a model sees, in characters: the configured cap, and no more than
 * `contextShares.toolResult` of the window, so one result can never fill a small window.
 */
export function toolResultCharacterCap(configuredCharacters: number, windowTokens: number): number {
  return Math.min(
    configuredCharacters,
    Math.max(2_000, tokensToCharacters(windowTokens * contextShares.toolResult)),
  );
}
