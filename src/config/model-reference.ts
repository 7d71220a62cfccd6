import type { ProviderName } from "../domain/model.ts";

const providerNames = ["anthropic", "openai"] as const satisfies readonly ProviderName[];

/**
 * What is wrong with a `provider:model` reference, or `undefined` when nothing is. Local
 * servers (Ollama, vLLM, llama.cpp) speak OpenAI's API, so `ollama:llama3` gets told how
 * to write it instead of only that it is wrong.
 */
export function modelReferenceProblem(text: string): string | undefined {
  const separator = text.indexOf(":");
  if (separator <= 0 || separator === text.length - 1 || /\s/.test(text)) {
    return "must be written provider:model";
  }
  const provider = text.slice(0, separator);
  if ((providerNames as readonly string[]).includes(provider)) return undefined;
  return (
    `uses "${provider}", which is not a provider (the providers are ${providerNames.join(" and ")}); ` +
    "a model served by Ollama, vLLM or llama.cpp is an openai model, reached through OPENAI_BASE_URL"
  );
}
