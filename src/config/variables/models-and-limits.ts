import {
  contextWindowTable,
  duration,
  httpUrl,
  imageModelTable,
  modelReference,
  positiveNumber,
  priceTable,
  text,
  thresholdOrOff,
  wholeNumber,
} from "../environment-values.ts";
import { variable } from "../environment-variable.ts";
import { defaultModels } from "../model-roles.ts";

/** The model providers, the models each role uses, and what one agent or session may spend. */
export const modelAndLimitVariables = [
  variable({
    name: "ANTHROPIC_API_KEY",
    parse: text,
    section: "Model providers",
    description:
      "Anthropic API key (sk-ant-...). npm start and npm run chat need a provider: this, OPENAI_API_KEY or OPENAI_BASE_URL.",
    example: "sk-ant-...",
    secret: true,
  }),
  variable({
    name: "ANTHROPIC_BASE_URL",
    parse: httpUrl,
    section: "Model providers",
    description: "Anthropic API base URL, e.g. a proxy.",
    unsetMeans: "https://api.anthropic.com",
    example: "https://anthropic-proxy.internal",
  }),
  variable({
    name: "OPENAI_API_KEY",
    parse: text,
    section: "Model providers",
    description: "OpenAI API key (sk-...). Optional for a local OpenAI-compatible server.",
    example: "sk-...",
    secret: true,
  }),
  variable({
    name: "OPENAI_BASE_URL",
    parse: httpUrl,
    section: "Model providers",
    description:
      "OpenAI-compatible base URL: vLLM, Ollama (http://127.0.0.1:11434/v1), llama.cpp. Alone, it counts as a provider; with no model named, start-up uses the server's model when it serves exactly one.",
    unsetMeans: "https://api.openai.com/v1",
    example: "http://127.0.0.1:11434/v1",
  }),
  variable({
    name: "THREADWORK_SUPERVISOR_MODEL",
    parse: modelReference,
    section: "Model providers",
    description:
      "The supervisor's model as provider:model; the providers are anthropic and openai (any OpenAI-compatible server, Ollama included).",
    unsetMeans: `by the key that is set: anthropic:${defaultModels.anthropic.supervisor} or openai:${defaultModels.openai.supervisor}`,
    example: "anthropic:claude-sonnet-5-5",
  }),
  variable({
    name: "THREADWORK_WORKER_MODEL",
    parse: modelReference,
    section: "Model providers",
    description: "The sub-agents' model as provider:model.",
    unsetMeans: `by the key that is set: anthropic:${defaultModels.anthropic.worker} or openai:${defaultModels.openai.worker}`,
    example: "openai:qwen3",
  }),
  variable({
    name: "THREADWORK_STRONG_MODEL",
    parse: modelReference,
    section: "Model providers",
    description: "The model for sub-agents spawned with tier strong, as provider:model.",
    unsetMeans: "the supervisor's",
    example: "anthropic:claude-opus-5",
  }),
  variable({
    name: "THREADWORK_PRICES",
    parse: priceTable,
    section: "Model providers",
    description:
      "Price overrides as JSON, US dollars per million tokens (input, output, optional cacheRead and cacheWrite).",
    unsetMeans: "the built-in table",
    example: '{"openai:qwen3": {"input": 0, "output": 0}}',
  }),
  // Overrides the table in src/domain/pricing.ts.
  variable({
    name: "THREADWORK_CONTEXT_WINDOWS",
    parse: contextWindowTable,
    section: "Model providers",
    description:
      "Context windows in tokens as JSON, over the built-in table beside the prices (unknown models get 128,000). Transcripts nearing the window are compacted.",
    unsetMeans: "the built-in table",
    example: '{"openai:qwen3-coder": 32768}',
  }),
  variable({
    name: "THREADWORK_IMAGE_MODELS",
    parse: imageModelTable,
    section: "Model providers",
    description:
      "Which models are shown images people share, as JSON of true or false. Unset: every Claude model and the OpenAI models in the price table are; any other model (a local server's) gets a note in place of each image.",
    unsetMeans: "Claude and OpenAI's listed models see images; others get a note",
    example: '{"openai:qwen2.5-vl": true}',
  }),
  variable({
    name: "THREADWORK_MAX_CONCURRENT_AGENTS",
    parse: wholeNumber(),
    section: "Limits",
    description: "Agents running at once, across all sessions.",
    default: "16",
    example: "16",
  }),
  variable({
    name: "THREADWORK_MAX_AGENTS_PER_SESSION",
    parse: wholeNumber(),
    section: "Limits",
    description:
      "Live (queued, running or waiting) sub-agents one session may have; a spawn past it is refused.",
    default: "6",
    example: "6",
  }),
  variable({
    name: "THREADWORK_MAX_TURNS",
    parse: wholeNumber(),
    section: "Limits",
    description: "Model turns one agent may take.",
    default: "80",
    example: "80",
  }),
  variable({
    name: "THREADWORK_AGENT_TIMEOUT",
    parse: duration,
    section: "Limits",
    description: "How long one agent may run: 90s, 30m, 12h, 7d or plain seconds.",
    default: "1h",
    example: "2h",
  }),
  variable({
    name: "THREADWORK_SESSION_BUDGET_USD",
    parse: positiveNumber,
    section: "Limits",
    description: "Spend per session in US dollars before a human must extend it.",
    unsetMeans: "no budget",
    example: "5",
  }),
  variable({
    name: "THREADWORK_SESSION_BUDGET_TOKENS",
    parse: wholeNumber(),
    section: "Limits",
    description: "Tokens per session before a human must extend it.",
    unsetMeans: "no budget",
    example: "2000000",
  }),
  variable({
    name: "THREADWORK_NON_OWNER_REPLY_WINDOW",
    parse: duration,
    section: "Limits",
    description:
      "Thread replies from people other than a session's owner start at most one supervisor turn per session and per person in this time; the others are kept and read with the next turn. 0 turns the limit off.",
    default: "10m",
    example: "10m",
  }),
  variable({
    name: "THREADWORK_PLAN_WORKERS_THRESHOLD",
    parse: thresholdOrOff({ decimals: false }),
    section: "Limits",
    description:
      "When the supervisor starts more workers than this in one turn, it posts the plan (each worker's task, repository, model and estimated cost) and waits for Start, Change or Cancel. 0 asks before any worker starts; off never asks for the count.",
    default: "3",
    example: "3",
  }),
  variable({
    name: "THREADWORK_PLAN_COST_THRESHOLD_USD",
    parse: thresholdOrOff({ decimals: true }),
    section: "Limits",
    description:
      "When the estimated cost of the workers the supervisor starts in one turn is above this many US dollars, it posts the plan first and waits for Start, Change or Cancel. The estimate assumes a typical worker (25 turns of about 30k prompt and 1k output tokens at the worker's model price) and leaves out unpriced models. 0 asks for any priced worker; off never asks for the cost.",
    unsetMeans: "off",
    example: "5",
  }),
] as const;
