import {
  approximateTokens,
  type FakeLlmError,
  type FakeLlmResponse,
  outputTokensOf,
} from "./fake-llm-responses.ts";

/**
 * What the real APIs answer a prompt longer than the model's window: Anthropic a 400
 * `invalid_request_error` "prompt is too long: N tokens > W maximum"; OpenAI a 400
 * `invalid_request_error` with `code: "context_length_exceeded"`, also when the prompt and the
 * requested completion together do not fit.
 */
export function contextWindowError(
  api: "anthropic" | "openai",
  promptTokens: number,
  window: number,
  body: Record<string, unknown>,
): FakeLlmError | undefined {
  if (api === "anthropic") {
    if (promptTokens <= window) return undefined;
    return {
      status: 400,
      type: "invalid_request_error",
      message: `prompt is too long: ${promptTokens} tokens > ${window} maximum`,
    };
  }
  const requested = Number(body.max_completion_tokens ?? body.max_tokens ?? 0) || 0;
  if (promptTokens + requested <= window) return undefined;
  return {
    status: 400,
    type: "invalid_request_error",
    code: "context_length_exceeded",
    param: "messages",
    message:
      requested > 0
        ? `This model's maximum context length is ${window} tokens. However, you requested ${promptTokens + requested} tokens (${promptTokens} in the messages, ${requested} in the completion). Please reduce the length of the messages or completion.`
        : `This model's maximum context length is ${window} tokens. However, your messages resulted in ${promptTokens} tokens. Please reduce the length of the messages.`,
  };
}

/**
 * A reply whose output would run past the window is cut where the window ends, as the real
 * models stop there: Anthropic with `model_context_window_exceeded`, OpenAI with `length`.
 * Tool calls that do not fit are dropped, as a cut-off call never arrives whole.
 */
export function fitOutputToWindow(
  api: "anthropic" | "openai",
  reply: FakeLlmResponse,
  room: number,
): FakeLlmResponse {
  if (outputTokensOf(reply) <= room) return reply;
  const text = (reply.text ?? "").slice(0, Math.max(0, room) * 4);
  return {
    ...reply,
    text,
    toolCalls: [],
    stopReason: api === "anthropic" ? "model_context_window_exceeded" : "max_tokens",
    usage: { ...reply.usage, outputTokens: Math.max(1, approximateTokens(text)) },
  };
}
