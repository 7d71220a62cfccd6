import type { Logger } from "pino";
import type { Database } from "../adapters/database/open-database.ts";
import type { McpServers } from "../adapters/mcp/mcp-servers-port.ts";
import type { AuditRecorder } from "../domain/audit.ts";
import type { ModelProvider, ModelRef } from "../domain/model.ts";
import type { RuntimeTelemetry } from "../domain/telemetry-port.ts";
import type { WorkspacesPort } from "../domain/workspaces-port.ts";
import type { LifecycleLog } from "./lifecycle-log.ts";
import type { RuntimeContext, RuntimeOptions } from "./runtime-context.ts";
import type { SurfaceEvent } from "./surface-port.ts";

/** What the runtime's parts share; built once by `createRuntime`. */
export interface RuntimeKernel {
  db: Database;
  logger: Logger;
  config: RuntimeContext["config"];
  options: RuntimeOptions;
  instanceId: string;
  workspaces: WorkspacesPort | undefined;
  /** The deployment's MCP servers; absent when none are configured. */
  mcpServers: McpServers | undefined;
  repositories: RuntimeContext["repositories"];
  scope: RuntimeContext["scope"];
  now(): Date;
  newId(prefix: string): string;
  resolveProvider(ref: ModelRef): ModelProvider;
  emit(event: SurfaceEvent): void;
  telemetry: RuntimeTelemetry;
  /** Session and agent lifecycle lines at `info`, with the session, agent and thread. */
  lifecycle: LifecycleLog;
  /** Where decisions are recorded (spend limit extensions); `noAudit` unless one is given. */
  audit: AuditRecorder;
  /** Marks new work for an agent and schedules a runner for it. */
  wake(agentId: string): Promise<void>;
}
