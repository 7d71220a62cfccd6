/** What the fake LLM server answers, provider-neutral: it renders this in Anthropic's or OpenAI's format. */

export interface FakeToolCall {
  /** Generated (`toolu_fake_N` / `call_fake_N`) when absent. */
  id?: string;
  name: string;
  input?: unknown;
}

export interface FakeUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

/** An HTTP error in the provider's own JSON format. */
export interface FakeLlmError {
  status: number;
  /** Sent as `retry-after` (seconds). */
  retryAfterSeconds?: number;
  /** Sent as `retry-after-ms`. */
  retryAfterMs?: number;
  message?: string;
  /** Provider error type; derived from the status when absent (e.g. 529 → `overloaded_error`). */
  type?: string;
  /** OpenAI's `code` and `param`; derived from the status when absent. */
  code?: string;
  param?: string;
}

export type FakeStopReason =
  | "end_turn"
  | "tool_use"
  | "max_tokens"
  | "stop_sequence"
  | "refusal"
  | "model_context_window_exceeded";

export interface FakeLlmResponse {
  text?: string;
  /** Anthropic only; OpenAI has no thinking blocks. */
  thinking?: { text: string; signature: string };
  /** Anthropic only: a `redacted_thinking` block with this opaque data. */
  redactedThinking?: string;
  toolCalls?: FakeToolCall[];
  /** Defaults to `tool_use` when there are tool calls, else `end_turn`. */
  stopReason?: FakeStopReason;
  /** Overrides the simulated counts, field by field. */
  usage?: FakeUsage;
  /** Wait this long before answering (added to the server's global latency). */
  delayMs?: number;
  /** Answer with this HTTP error instead. */
  error?: FakeLlmError;
  /** Drop the connection: before answering, or (streaming) after the first events. */
  disconnect?: "before-response" | "mid-stream";
  /** Answer 200 with a body that is not the API's format: broken JSON, or a broken stream event. */
  malformed?: boolean;
  /** Streaming: fail with an error event after the first text delta. */
  streamError?: FakeLlmError;
  /** Streaming: characters per text or argument delta (default 8). */
  chunkSize?: number;
  /** Streaming: pause between events. */
  chunkDelayMs?: number;
  /** Imitate a sloppy OpenAI-compatible local server. */
  openaiQuirks?: {
    omitUsage?: boolean;
    omitIds?: boolean;
    omitToolCallIds?: boolean;
    /** Replace the finish reason, e.g. `"eos"`, `"stop"` with tool calls, or `null`. */
    finishReason?: string | null;
  };
}

export function textResponse(text: string, extra: Partial<FakeLlmResponse> = {}): FakeLlmResponse {
  return { text, ...extra };
}

export function toolCallResponse(
  calls: FakeToolCall[],
  extra: Partial<FakeLlmResponse> = {},
): FakeLlmResponse {
  return { toolCalls: calls, ...extra };
}

export function thinkingResponse(
  thinking: { text: string; signature: string },
  extra: Partial<FakeLlmResponse> = {},
): FakeLlmResponse {
  return { thinking, ...extra };
}

export function errorResponse(status: number, extra: Omit<FakeLlmError, "status"> = {}): FakeLlmResponse {
  return { error: { status, ...extra } };
}

export function stopReasonOf(response: FakeLlmResponse): FakeStopReason {
  return response.stopReason ?? ((response.toolCalls?.length ?? 0) > 0 ? "tool_use" : "end_turn");
}

/** Tokens approximated as characters / 4, never less than 1 for non-empty text. */
export function approximateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function chunksOf(text: string, size: number): string[] {
  const chunks: string[] = [];
  for (let start = 0; start < text.length; start += size) chunks.push(text.slice(start, start + size));
  return chunks;
}

/** Output tokens for a response: its text, thinking and tool-call JSON. */
export function outputTokensOf(response: FakeLlmResponse): number {
  const text = [
    response.text ?? "",
    response.thinking?.text ?? "",
    ...(response.toolCalls ?? []).map((call) => call.name + JSON.stringify(call.input ?? {})),
  ].join("");
  return Math.max(1, approximateTokens(text));
}
