import OpenAI from "openai";
import type { ModelProvider, ModelTurnRequest, ModelTurnResult } from "../../domain/model.ts";
import { collectModelIds } from "./model-listing.ts";
import { buildOpenAIRequest, type OpenAIRequestOptions } from "./openai-request.ts";
import { fromOpenAICompletion, OpenAIStreamAssembler } from "./openai-response.ts";
import { abortError, type ProviderRetrySettings, turnRetryOptions, withRetries } from "./retry.ts";
import { describeSdkError } from "./sdk-errors.ts";

interface OpenAIProviderOptions extends ProviderRetrySettings {
  /** Optional: local OpenAI-compatible servers often need none. */
  apiKey?: string | undefined;
  /** Defaults to the public API; set it for vLLM, Ollama or llama.cpp (e.g. `http://localhost:11434/v1`). */
  baseUrl?: string | undefined;
  timeoutMs?: number;
}

const openaiDefaultBaseUrl = "https://api.openai.com/v1";

// The SDK refuses to start without a key; local servers ignore whatever is sent.
const placeholderApiKey = "no-key";

/** A `ModelProvider` on Chat Completions, for OpenAI and OpenAI-compatible servers alike. */
export function createOpenAIProvider(options: OpenAIProviderOptions): ModelProvider {
  const baseUrl = options.baseUrl ?? openaiDefaultBaseUrl;
  const requestOptions: OpenAIRequestOptions = {
    compatibleServer: new URL(baseUrl).hostname !== "api.openai.com",
  };
  const client = new OpenAI({
    apiKey: options.apiKey || placeholderApiKey,
    baseURL: baseUrl,
    // Configuration comes from src/config/ only, never from other variables the SDK would read.
    organization: null,
    project: null,
    maxRetries: 0,
    timeout: options.timeoutMs ?? 600_000,
    logLevel: "off",
  });

  async function streamTurn(request: ModelTurnRequest, assembler: OpenAIStreamAssembler) {
    const stream = await client.chat.completions.create(
      {
        ...buildOpenAIRequest(request, requestOptions),
        stream: true,
        stream_options: { include_usage: true },
      },
      { signal: request.signal },
    );
    for await (const chunk of stream) assembler.add(chunk);
    // The SDK ends an aborted stream quietly instead of throwing.
    if (request.signal?.aborted) throw abortError(request.signal);
    return assembler.finish();
  }

  async function turn(request: ModelTurnRequest): Promise<ModelTurnResult> {
    let assembler: OpenAIStreamAssembler | undefined;
    return withRetries(
      async () => {
        if (request.stream) {
          assembler = new OpenAIStreamAssembler(request.onTextDelta);
          return streamTurn(request, assembler);
        }
        const completion = await client.chat.completions.create(buildOpenAIRequest(request, requestOptions), {
          signal: request.signal,
        });
        return fromOpenAICompletion(completion);
      },
      turnRetryOptions("openai", options, {
        signal: request.signal,
        describe: (error) => describeSdkError(error, OpenAI),
        canRetry: () => !assembler?.emittedText,
      }),
    );
  }

  return {
    name: "openai",
    turn,
    listModels: ({ timeoutMs }) =>
      collectModelIds(
        "openai",
        timeoutMs,
        (signal) => client.models.list({ signal, timeout: timeoutMs }),
        OpenAI,
      ),
  };
}
