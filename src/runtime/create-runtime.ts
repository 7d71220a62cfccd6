import { randomUUID } from "node:crypto";
import { agentTitles } from "../adapters/database/agent-titles.ts";
import { getAgent, listAgentsForSession } from "../adapters/database/agents.ts";
import { getRequest, listAllPendingRequests, listPendingRequests } from "../adapters/database/requests.ts";
import { sessionWork } from "../adapters/database/session-activity.ts";
import {
  findSessionByKey,
  getSession,
  listSessionsForOwner,
  type SessionRow,
} from "../adapters/database/sessions.ts";
import { sessionModels, sessionUsageTotals } from "../adapters/database/usage.ts";
import { noAudit } from "../domain/audit.ts";
import { errorMessage } from "../domain/errors.ts";
import { hasPrice } from "../domain/pricing.ts";
import { redactValuesEverywhere } from "../domain/secret-redaction.ts";
import { sessionActivity } from "../domain/session-activity.ts";
import type { SessionSnapshot } from "../domain/sessions.ts";
import { noTelemetry, type TelemetryAgent } from "../domain/telemetry-port.ts";
import { createAgentRunner } from "./agent-runner.ts";
import { afterRunnerFailure } from "./crash-loop.ts";
import { canDecide, handleInput } from "./inputs.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { LifecycleLog } from "./lifecycle-log.ts";
import { createMcpAgentTools } from "./mcp-agent-tools.ts";
import type { RuntimeApi } from "./runtime-api.ts";
import { defaultRuntimeOptions, type RuntimeContext } from "./runtime-context.ts";
import { agentSnapshot, requestSnapshot, sessionSnapshot } from "./snapshots.ts";
import { SurfaceListeners } from "./surface-listeners.ts";
import type { SurfaceEvent } from "./surface-port.ts";
import { announceRequest } from "./waits.ts";
import { createWakeScheduler, type StopDeadlines } from "./wake-scheduler.ts";

export interface Runtime extends RuntimeApi {
  readonly instanceId: string;
  /**
   * Starts the wake-up worker and the sweeper, and re-announces pending requests. Agents
   * resume at once: subscribe every surface first.
   */
  start(): Promise<void>;
  /**
   * Stops taking work, lets running steps end until `drainBy` and interrupts the rest, then
   * releases every lease and hands the agents it let go to other instances (wake-scheduler.ts).
   */
  stop(deadlines?: StopDeadlines): Promise<void>;
  /** Schedules a runner for an agent (the sweeper does this on its own after a crash). */
  wake(agentId: string): Promise<void>;
}

/** Builds the runtime on one database; several instances may share it. */
export function createRuntime(context: RuntimeContext): Runtime {
  const options = { ...defaultRuntimeOptions, ...context.options };
  const instanceId = context.instanceId ?? `instance-${randomUUID()}`;
  const logger = context.logger;
  const generateId =
    context.generateId ?? ((prefix: string) => `${prefix}_${randomUUID().replaceAll("-", "")}`);

  const telemetry = context.telemetry ?? noTelemetry;
  // An MCP server's secrets are redacted wherever text is: logs, transcripts, Slack.
  if (context.mcpServers) redactValuesEverywhere(context.mcpServers.secretValues());
  const lifecycle = new LifecycleLog({ db: context.db, logger });
  const listeners = new SurfaceListeners(logger);

  function emit(event: SurfaceEvent): void {
    lifecycle.record(event);
    observeEnd(event);
    listeners.emit(event);
  }

  /** An agent's end, from the same events the surfaces hear. */
  function observeEnd(event: SurfaceEvent): void {
    const outcome =
      event.type === "agent-finished"
        ? "done"
        : event.type === "agent-failed"
          ? "failed"
          : event.type === "agent-cancelled"
            ? "cancelled"
            : undefined;
    if (!outcome || !("agent" in event)) return;
    void mcpTools.release(event.agent.id);
    const agent: TelemetryAgent = {
      sessionId: event.sessionId,
      agentId: event.agent.id,
      role: event.agent.role,
    };
    telemetry.agentEnded(agent, outcome);
  }

  const kernel: RuntimeKernel = {
    db: context.db,
    logger,
    config: context.config,
    options,
    instanceId,
    workspaces: context.workspaces,
    mcpServers: context.mcpServers,
    repositories: context.repositories,
    scope: context.scope,
    now: () => context.clock?.now() ?? new Date(),
    newId: generateId,
    resolveProvider: context.resolveProvider,
    emit,
    telemetry,
    lifecycle,
    audit: context.audit ?? noAudit,
    wake: (agentId) => scheduler.wake(agentId),
  };
  const mcpTools = createMcpAgentTools(kernel);
  const runner = createAgentRunner(kernel, {
    workerTools: context.workerTools ?? [],
    supervisorTools: context.supervisorTools ?? [],
    mcpTools,
  });
  const scheduler = createWakeScheduler(kernel, context.boss, runner, (agentId, error) =>
    afterRunnerFailure(kernel, agentId, error),
  );

  async function snapshotOf(row: SessionRow | undefined): Promise<SessionSnapshot | undefined> {
    if (!row) return undefined;
    const [spend, models] = await Promise.all([
      sessionUsageTotals(context.db, row.id),
      sessionModels(context.db, row.id),
    ]);
    const priced = models.every((model) => hasPrice(model, context.config.priceOverrides));
    return sessionSnapshot(row, spend.costMicros, priced);
  }

  async function requestsWithTitles(sessionId: string) {
    const rows = await listPendingRequests(context.db, sessionId);
    const titles = await agentTitles(
      context.db,
      rows.map((row) => row.agentId),
    );
    return rows.map((row) => ({ row, title: titles.get(row.agentId) ?? row.agentId }));
  }

  return {
    instanceId,
    handle: (input) => handleInput(kernel, input),
    subscribe: (listener) => listeners.add(listener),
    findSession: async (key) =>
      snapshotOf(await findSessionByKey(context.db, key.surface, key.conversationKey)),
    getSession: async (sessionId) => snapshotOf(await getSession(context.db, sessionId)),
    async listSessionsForUser(userId, limit, options) {
      const rows = await listSessionsForOwner(context.db, userId, limit, options?.keyPrefix);
      const [snapshots, work] = await Promise.all([
        Promise.all(rows.map((row) => snapshotOf(row))),
        sessionWork(
          context.db,
          rows.map((row) => row.id),
        ),
      ]);
      return snapshots
        .filter((snapshot): snapshot is SessionSnapshot => snapshot !== undefined)
        .map((snapshot) => {
          const found = work.get(snapshot.id);
          return found
            ? { ...snapshot, activity: sessionActivity(found.agents, found.pendingRequests, snapshot.status) }
            : snapshot;
        });
    },
    listAgents: async (sessionId) =>
      (await listAgentsForSession(context.db, sessionId)).map((row) =>
        agentSnapshot(row, context.config.priceOverrides),
      ),
    async getRequest(requestId) {
      const row = await getRequest(context.db, requestId);
      if (!row) return undefined;
      const agent = await getAgent(context.db, row.agentId);
      return requestSnapshot(row, agent?.title ?? row.agentId, context.config.approvals.alwaysAllow);
    },
    async listPendingRequests(sessionId) {
      return (await requestsWithTitles(sessionId)).map(({ row, title }) =>
        requestSnapshot(row, title, context.config.approvals.alwaysAllow),
      );
    },
    canDecide: (sessionId, userId, kind) => canDecide(kernel, sessionId, userId, kind),
    wake: (agentId) => scheduler.wake(agentId),
    async start() {
      await scheduler.start();
      // A restart re-announces what waits on people; surfaces dedupe.
      const pending = await listAllPendingRequests(context.db, 500, context.scope);
      const titles = await agentTitles(
        context.db,
        pending.map((row) => row.agentId),
      );
      for (const row of pending) announceRequest(kernel, row, titles.get(row.agentId) ?? row.agentId);
    },
    async stop(deadlines) {
      await scheduler.stop(deadlines);
      try {
        await context.mcpServers?.close();
      } catch (error) {
        logger.warn({ error: errorMessage(error) }, "could not close the MCP servers");
      }
    },
  };
}
