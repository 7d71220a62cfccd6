import { pino } from "pino";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { createAnthropicProvider } from "../../src/adapters/providers/anthropic-provider.ts";
import type { Config } from "../../src/config/config.ts";
import type { ModelProvider } from "../../src/domain/model.ts";
import type { AnyTool } from "../../src/domain/tool.ts";
import { createRuntime, type Runtime } from "../../src/runtime/create-runtime.ts";
import type { RuntimeContext, RuntimeOptions } from "../../src/runtime/runtime-context.ts";

export interface BenchRuntimeOptions {
  handle: DatabaseHandle;
  anthropicBaseUrl: string;
  limits?: Partial<Config["limits"]>;
  workerTools?: AnyTool[];
  instanceId?: string;
  options?: Partial<RuntimeOptions>;
  /** Wraps the real Anthropic provider, e.g. to time model calls from the outside. */
  wrapProvider?: (provider: ModelProvider) => ModelProvider;
  mcpServers?: RuntimeContext["mcpServers"];
}

export function benchConfig(limits: Partial<Config["limits"]> = {}): RuntimeContext["config"] {
  return {
    limits: {
      maxConcurrentAgents: 1000,
      maxAgentsPerSession: 6,
      maxTurns: 40,
      agentTimeoutSeconds: 3600,
      sessionBudgetUsd: undefined,
      sessionBudgetTokens: undefined,
      nonOwnerReplyWindowSeconds: 600,
      ...limits,
    },
    models: {
      supervisor: { provider: "anthropic", model: "claude-sonnet-5-5" },
      worker: { provider: "anthropic", model: "claude-haiku-5-5" },
      strong: { provider: "anthropic", model: "claude-opus-5" },
    },
    priceOverrides: {},
    approvals: { approverIds: [], policy: "owner-or-approvers", alwaysAllow: true },
  };
}

/**
 * The real runtime (createRuntime) with the real Anthropic provider pointed at the fake LLM
 * server, on the production runtime defaults unless `options` says otherwise.
 */
export async function startBenchRuntime(options: BenchRuntimeOptions): Promise<Runtime> {
  const anthropic = createAnthropicProvider({
    apiKey: "sk-ant-bench",
    baseUrl: options.anthropicBaseUrl,
    maxRetries: 2,
  });
  const provider = options.wrapProvider ? options.wrapProvider(anthropic) : anthropic;
  const runtime = createRuntime({
    db: options.handle.db,
    boss: options.handle.createQueue({ schedule: false, supervise: false }),
    resolveProvider: () => provider,
    config: benchConfig(options.limits),
    logger: pino({ level: "silent" }),
    instanceId: options.instanceId,
    workerTools: options.workerTools,
    options: options.options,
    ...(options.mcpServers ? { mcpServers: options.mcpServers } : {}),
  });
  await runtime.start();
  return runtime;
}
