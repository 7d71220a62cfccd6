import type { PgBoss } from "pg-boss";
import type { Logger } from "pino";
import type { Database } from "../adapters/database/open-database.ts";
import type { SessionScope } from "../adapters/database/session-scope.ts";
import type { McpServers } from "../adapters/mcp/mcp-servers-port.ts";
import type { Config } from "../config/config.ts";
import type { AuditRecorder } from "../domain/audit.ts";
import type { ModelProvider, ModelRef } from "../domain/model.ts";
import type { RuntimeTelemetry } from "../domain/telemetry-port.ts";
import type { AnyTool } from "../domain/tool.ts";
import type { WorkspacesPort } from "../domain/workspaces-port.ts";

export interface RuntimeOptions {
  /** How long a lease lasts without a heartbeat. */
  leaseTtlMs: number;
  /** How often every instance looks for agents whose lease expired. */
  sweepIntervalMs: number;
  /** pg-boss polling backstop, seconds (>= 0.5); NOTIFY wakes workers earlier. */
  pollingIntervalSeconds: number;
  /** Wake-up jobs this instance fetches at once (one fetch, one completion). */
  localConcurrency: number;
  /**
   * A tool result longer than this reaches the model as head, tail and a note (`read_tool_output`);
   * a model with a small context window gets less (see `toolResultCharacterCap`).
   */
  maxToolResultCharacters: number;
  /**
   * How often an instance reads whether an agent it runs was cancelled, in case the cancel's
   * notification was lost; a notification stops it at once.
   */
  cancelPollIntervalMs: number;
}

export const defaultRuntimeOptions: RuntimeOptions = {
  leaseTtlMs: 30_000,
  sweepIntervalMs: 5_000,
  pollingIntervalSeconds: 2,
  localConcurrency: 4,
  maxToolResultCharacters: 100_000,
  cancelPollIntervalMs: 1_000,
};

export interface RuntimeContext {
  db: Database;
  boss: PgBoss;
  resolveProvider(ref: ModelRef): ModelProvider;
  config: Pick<Config, "limits" | "models" | "priceOverrides" | "approvals"> & {
    /** Context windows by `provider:model`, over the table beside the prices. */
    contextWindows?: Config["contextWindows"];
    /** Whether a model is shown images, by `provider:model`, over the default (`acceptsImages`). */
    imageModels?: Config["imageModels"];
  };
  logger: Logger;
  clock?: { now(): Date };
  generateId?: (prefix: string) => string;
  instanceId?: string;
  /** More tools for sub-agents, e.g. the workspace helper's file, command and git tools. */
  workerTools?: AnyTool[];
  /** More tools for supervisors, e.g. `merge_agents`. */
  supervisorTools?: AnyTool[];
  workspaces?: WorkspacesPort;
  /** MCP servers whose tools agents are offered; the runtime releases an agent's connections when it ends and closes them all on stop. */
  mcpServers?: McpServers;
  /** Repositories `spawn_agent {repo}` may name; `defaultRepository` is used when it names none. */
  repositories?: { names: string[]; defaultRepository: string | undefined };
  options?: Partial<RuntimeOptions>;
  /**
   * Run and announce only these sessions' agents; all when absent. A runtime scoped to one
   * conversation takes no queued wake-ups: they may be anyone's, and the conversation's own
   * are run here directly.
   */
  scope?: SessionScope;
  /** Where decisions are recorded (a spend limit's extension); nothing by default. */
  audit?: AuditRecorder;
  /** Metrics and traces of steps, model and tool calls; none by default. */
  telemetry?: RuntimeTelemetry;
}
