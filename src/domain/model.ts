import type { ChatMessage, StopReason, ToolSchema, Usage } from "./messages.ts";

export type ProviderName = "anthropic" | "openai";

/** A model reference written `provider:model` in configuration, e.g. `anthropic:claude-sonnet-5-5`. */
export interface ModelRef {
  provider: ProviderName;
  model: string;
}

export function formatModelRef(ref: ModelRef): string {
  return `${ref.provider}:${ref.model}`;
}

/** How long the provider should keep the cached prefix; `long` suits an agent that waits on a human. */
export type CacheRetention = "short" | "long";

export interface ModelTurnRequest {
  model: string;
  system: string;
  messages: ChatMessage[];
  tools: ToolSchema[];
  maxOutputTokens?: number;
  cacheRetention?: CacheRetention;
  /** Stream text deltas through `onTextDelta` when true. */
  stream?: boolean;
  onTextDelta?: (delta: string) => void;
  signal?: AbortSignal;
}

export interface ModelTurnResult {
  message: ChatMessage;
  stopReason: StopReason;
  usage: Usage;
  /** The provider's own id for the response, when it gives one. */
  responseId?: string;
}

/** One tool-using chat turn against one provider. Adapters retry transient failures themselves. */
export interface ModelProvider {
  readonly name: ProviderName;
  turn(request: ModelTurnRequest): Promise<ModelTurnResult>;
  /** The ids of the models the provider serves, where it can list them; throws a `ProviderError` otherwise. */
  listModels?(options: { timeoutMs: number }): Promise<string[]>;
}
