import { pino } from "pino";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { createAnthropicProvider } from "../../src/adapters/providers/anthropic-provider.ts";
import type { RetryPolicy } from "../../src/adapters/providers/retry.ts";
import type { Config } from "../../src/config/config.ts";
import type { ApprovalPolicy } from "../../src/domain/decision-rule.ts";
import type { ModelProvider } from "../../src/domain/model.ts";
import type { AnyTool } from "../../src/domain/tool.ts";
import { createRuntime, type Runtime } from "../../src/runtime/create-runtime.ts";
import type { RuntimeContext, RuntimeOptions } from "../../src/runtime/runtime-context.ts";
import type { FakeLlmRequest } from "../fakes/fake-llm-server.ts";

export const testLimits: Config["limits"] = {
  maxConcurrentAgents: 50,
  maxAgentsPerSession: 6,
  maxTurns: 30,
  agentTimeoutSeconds: 600,
  sessionBudgetUsd: undefined,
  sessionBudgetTokens: undefined,
  nonOwnerReplyWindowSeconds: 600,
};

/** Fast leases and sweeps, so crash tests recover in about a second. */
export const testRuntimeOptions: RuntimeOptions = {
  leaseTtlMs: 1500,
  sweepIntervalMs: 300,
  pollingIntervalSeconds: 0.5,
  localConcurrency: 4,
  maxToolResultCharacters: 100_000,
  cancelPollIntervalMs: 1_000,
};

export function testConfig(
  limits: Partial<Config["limits"]> = {},
  approverIds: string[] = [],
  policy: ApprovalPolicy = "owner-or-approvers",
): RuntimeContext["config"] {
  return {
    limits: { ...testLimits, ...limits },
    models: {
      supervisor: { provider: "anthropic", model: "claude-sonnet-5-5" },
      worker: { provider: "anthropic", model: "claude-haiku-5-5" },
      strong: { provider: "anthropic", model: "claude-opus-5" },
    },
    priceOverrides: {},
    approvals: { approverIds, policy, alwaysAllow: true },
  };
}

export interface StartRuntimeOptions {
  handle: DatabaseHandle;
  anthropicBaseUrl: string;
  config?: RuntimeContext["config"];
  workerTools?: AnyTool[];
  supervisorTools?: AnyTool[];
  instanceId?: string;
  options?: Partial<RuntimeOptions>;
  clock?: { now(): Date };
  workspaces?: RuntimeContext["workspaces"];
  repositories?: RuntimeContext["repositories"];
  /** The provider's retries; by default 8 attempts a few milliseconds apart. */
  retryPolicy?: Partial<RetryPolicy>;
  /** Runs before `start()`, e.g. to subscribe to what a starting runtime announces. */
  beforeStart?: (runtime: Runtime) => void;
  /** The sessions the runtime runs and announces; all when absent. */
  scope?: RuntimeContext["scope"];
  /** Another provider than the Anthropic SDK on `anthropicBaseUrl`, e.g. the OpenAI one. */
  provider?: ModelProvider;
  mcpServers?: RuntimeContext["mcpServers"];
  logger?: RuntimeContext["logger"];
  telemetry?: RuntimeContext["telemetry"];
  audit?: RuntimeContext["audit"];
}

/**
 * A runtime on a test database that talks to the fake LLM server through the real Anthropic SDK
 * (or the given provider), not started yet: for a caller that must do something first, e.g. start
 * a Slack surface that should see the pending requests `start()` re-announces.
 */
export function createTestRuntime(options: Omit<StartRuntimeOptions, "beforeStart">): Runtime {
  const provider =
    options.provider ??
    createAnthropicProvider({
      apiKey: "sk-ant-test",
      baseUrl: options.anthropicBaseUrl,
      retryPolicy: {
        maxAttempts: 8,
        baseDelayMs: 5,
        maxDelayMs: 40,
        maxRetryAfterMs: 50,
        ...options.retryPolicy,
      },
    });
  return createRuntime({
    db: options.handle.db,
    boss: options.handle.createQueue({ schedule: false, supervise: false }),
    resolveProvider: () => provider,
    config: options.config ?? testConfig(),
    logger: options.logger ?? pino({ level: "silent" }),
    instanceId: options.instanceId,
    clock: options.clock,
    workspaces: options.workspaces,
    repositories: options.repositories,
    workerTools: options.workerTools,
    supervisorTools: options.supervisorTools,
    options: { ...testRuntimeOptions, ...options.options },
    ...(options.scope ? { scope: options.scope } : {}),
    ...(options.mcpServers ? { mcpServers: options.mcpServers } : {}),
    ...(options.telemetry ? { telemetry: options.telemetry } : {}),
    ...(options.audit ? { audit: options.audit } : {}),
  });
}

/** `createTestRuntime`, started. */
export async function startTestRuntime(options: StartRuntimeOptions): Promise<Runtime> {
  const runtime = createTestRuntime(options);
  options.beforeStart?.(runtime);
  await runtime.start();
  return runtime;
}

export function isSupervisorRequest(request: FakeLlmRequest): boolean {
  return request.toolNames.includes("spawn_agent");
}

/** A worker's brief is its first user message. */
export function briefOf(request: FakeLlmRequest): string {
  return request.messages[0]?.text ?? "";
}

/** The assistant's last tool call, whose result the newest user message carries. */
export function lastCallName(request: FakeLlmRequest): string | undefined {
  return request.messages
    .filter((message) => message.role === "assistant")
    .at(-1)
    ?.toolCalls.at(-1)?.name;
}

export function lastToolResult(request: FakeLlmRequest) {
  return request.lastToolResults.at(-1);
}
