import Anthropic from "@anthropic-ai/sdk";
import type { ModelProvider, ModelTurnRequest, ModelTurnResult } from "../../domain/model.ts";
import { buildAnthropicRequest } from "./anthropic-request.ts";
import { AnthropicStreamAssembler, fromAnthropicMessage } from "./anthropic-response.ts";
import { collectModelIds } from "./model-listing.ts";
import { abortError, type ProviderRetrySettings, turnRetryOptions, withRetries } from "./retry.ts";
import { describeSdkError, StreamEndedEarlyError } from "./sdk-errors.ts";

interface AnthropicProviderOptions extends ProviderRetrySettings {
  apiKey: string;
  /** Defaults to the public API. */
  baseUrl?: string | undefined;
  /** Per-request timeout in milliseconds (default 10 minutes, as the SDK's). */
  timeoutMs?: number;
}

const anthropicDefaultBaseUrl = "https://api.anthropic.com";

/** A `ModelProvider` on the Anthropic Messages API, with prompt-cache breakpoints and one retry policy. */
export function createAnthropicProvider(options: AnthropicProviderOptions): ModelProvider {
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseUrl ?? anthropicDefaultBaseUrl,
    maxRetries: 0,
    timeout: options.timeoutMs ?? 600_000,
    logLevel: "off",
  });

  async function streamTurn(request: ModelTurnRequest, assembler: AnthropicStreamAssembler) {
    const stream = await client.messages.create(
      { ...buildAnthropicRequest(request), stream: true as const },
      { signal: request.signal },
    );
    for await (const event of stream) assembler.add(event);
    // The SDK ends an aborted stream quietly instead of throwing.
    if (request.signal?.aborted) throw abortError(request.signal);
    if (!assembler.complete) throw new StreamEndedEarlyError();
    return assembler.finish();
  }

  async function turn(request: ModelTurnRequest): Promise<ModelTurnResult> {
    let assembler: AnthropicStreamAssembler | undefined;
    return withRetries(
      async () => {
        if (request.stream) {
          assembler = new AnthropicStreamAssembler(request.onTextDelta);
          return streamTurn(request, assembler);
        }
        const message = await client.messages.create(
          { ...buildAnthropicRequest(request), stream: false },
          { signal: request.signal },
        );
        return fromAnthropicMessage(message);
      },
      turnRetryOptions("anthropic", options, {
        signal: request.signal,
        describe: (error) => describeSdkError(error, Anthropic),
        canRetry: () => !assembler?.emittedText,
      }),
    );
  }

  return {
    name: "anthropic",
    turn,
    listModels: ({ timeoutMs }) =>
      collectModelIds(
        "anthropic",
        timeoutMs,
        (signal) => client.models.list({ limit: 1000 }, { signal, timeout: timeoutMs }),
        Anthropic,
      ),
  };
}
