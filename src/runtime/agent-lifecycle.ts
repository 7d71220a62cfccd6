import { announceAgentCancelled } from "../adapters/database/agent-cancellations.ts";
import { lockLiveWorkerCount, queuedWorkers } from "../adapters/database/agent-slots.ts";
import {
  type AgentRow,
  getAgent,
  insertAgent,
  listAgentsForSession,
  updateAgent,
} from "../adapters/database/agents.ts";
import { enqueueEvent } from "../adapters/database/events.ts";
import type { Database } from "../adapters/database/open-database.ts";
import { cancelPendingRequests } from "../adapters/database/requests.ts";
import { getSession } from "../adapters/database/sessions.ts";
import { isTerminal, statusOnInput } from "../domain/agent-state.ts";
import type { AgentSnapshot } from "../domain/agents.ts";
import { ToolError } from "../domain/errors.ts";
import type { ModelRef } from "../domain/model.ts";
import { sessionSettingsOf } from "../domain/session-settings.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { modelFor } from "./session-settings.ts";
import { agentSnapshot } from "./snapshots.ts";
import { redirectUnreadSteers } from "./steer-events.ts";

export function parseModel(text: string): ModelRef {
  const separator = text.indexOf(":");
  return { provider: text.slice(0, separator) as ModelRef["provider"], model: text.slice(separator + 1) };
}

/** The parent's mailbox entry for something a worker did; progress does not wake the parent. */
export async function notifyParent(
  db: Database,
  agent: AgentRow,
  type: string,
  payload: Record<string, unknown>,
): Promise<void> {
  if (!agent.parentId) return;
  await enqueueEvent(db, {
    sessionId: agent.sessionId,
    sourceAgentId: agent.id,
    targetAgentId: agent.parentId,
    type,
    payload: { agentId: agent.id, title: agent.title, ...payload },
  });
}

/** A worker left `running`: other queued workers may take its slot now. */
export async function wakeQueuedWorkers(kernel: RuntimeKernel, sessionId: string): Promise<void> {
  const sessionAgents = await listAgentsForSession(kernel.db, sessionId);
  const queued = sessionAgents.filter((agent) => agent.role === "worker" && agent.status === "queued");
  const others = await queuedWorkers(kernel.db, 4);
  const ids = new Set([...queued.map((agent) => agent.id), ...others]);
  for (const id of ids) await kernel.wake(id);
}

/** Wakes the queued workers first in line for a slot (see `acquireSlot`), except `exceptId`. */
export async function wakeFirstQueuedWorkers(kernel: RuntimeKernel, exceptId: string): Promise<void> {
  for (const id of await queuedWorkers(kernel.db, 4)) if (id !== exceptId) await kernel.wake(id);
}

export async function afterAgentEnded(kernel: RuntimeKernel, agent: AgentRow): Promise<void> {
  // Words a person sent it that it ended without reading go to its supervisor, woken next.
  if (agent.role === "worker") await redirectUnreadSteers(kernel, agent);
  if (agent.parentId) await kernel.wake(agent.parentId);
  if (agent.role === "worker") await wakeQueuedWorkers(kernel, agent.sessionId);
}

export async function spawnWorker(
  kernel: RuntimeKernel,
  parent: AgentRow,
  request: { title: string; brief: string; tier: "worker" | "strong"; repo?: string },
): Promise<AgentSnapshot> {
  const session = await getSession(kernel.db, parent.sessionId);
  const settings = session ? sessionSettingsOf(session.metadata) : {};
  const model = modelFor(kernel, settings, request.tier);
  const repo = repositoryFor(kernel, request.repo, settings.repository);
  const now = kernel.now();
  const agent = await kernel.db.transaction(async (transaction) => {
    await requireWorkerRoom(kernel, transaction, parent.sessionId);
    const row = await insertAgent(transaction, {
      id: kernel.newId("agt"),
      sessionId: parent.sessionId,
      parentId: parent.id,
      role: "worker",
      title: request.title,
      brief: request.brief,
      model,
      tier: request.tier,
      repo: repo ?? null,
      status: "queued",
      deadlineAt: new Date(now.getTime() + kernel.config.limits.agentTimeoutSeconds * 1000),
    });
    await enqueueEvent(transaction, {
      sessionId: parent.sessionId,
      sourceAgentId: parent.id,
      targetAgentId: row.id,
      type: "brief",
      payload: { brief: request.brief, title: request.title },
    });
    return row;
  });
  kernel.lifecycle.agentSpawned(agent);
  await kernel.wake(agent.id);
  return agentSnapshot(agent);
}

/**
 * The per-session cap counts live workers (queued, running, waiting); finished ones do not,
 * but reviving a done worker with a message needs room like a spawn. Call inside the
 * transaction that creates or revives the worker: the count stays locked until it commits.
 */
async function requireWorkerRoom(
  kernel: RuntimeKernel,
  transaction: Database,
  sessionId: string,
  exceptId?: string,
): Promise<void> {
  const maximum = kernel.config.limits.maxAgentsPerSession;
  const live = await lockLiveWorkerCount(transaction, sessionId, exceptId);
  if (live < maximum) return;
  throw new ToolError(
    `This session already has ${live} sub-agents running or queued, the maximum (${maximum}); wait for one to finish or cancel one.`,
    { live, maximum },
  );
}

/** The repository a new worker works in: the named one, else the channel's, else the default, else none. */
function repositoryFor(
  kernel: RuntimeKernel,
  requested: string | undefined,
  channelRepository: string | undefined,
): string | undefined {
  const repositories = kernel.repositories;
  if (requested === undefined) {
    return kernel.workspaces ? defaultRepositoryFor(kernel, channelRepository) : undefined;
  }
  if (!kernel.workspaces || !repositories) {
    throw new ToolError("No repositories are configured; spawn the agent without a repo.");
  }
  if (!repositories.names.includes(requested)) {
    throw new ToolError(
      `Unknown repository "${requested}". Known: ${repositories.names.join(", ") || "none"}.`,
    );
  }
  return requested;
}

/** The repository a worker gets when its spawn names none: the channel's when configured, else the deployment's. */
export function defaultRepositoryFor(kernel: RuntimeKernel, channelRepository: string | undefined) {
  const repositories = kernel.repositories;
  if (channelRepository && repositories?.names.includes(channelRepository)) return channelRepository;
  return repositories?.defaultRepository;
}

export async function messageWorker(kernel: RuntimeKernel, from: AgentRow, agentId: string, text: string) {
  const target = await getAgent(kernel.db, agentId);
  if (!target || target.sessionId !== from.sessionId || target.id === from.id) {
    throw new ToolError(`No agent ${agentId} in this session.`);
  }
  const next = statusOnInput(target.role, target.status);
  if (isTerminal(next)) throw new ToolError(`Agent ${agentId} is ${target.status}; spawn a new one instead.`);
  await kernel.db.transaction(async (transaction) => {
    if (isTerminal(target.status) && target.role === "worker") {
      await requireWorkerRoom(kernel, transaction, from.sessionId, agentId);
    }
    await enqueueEvent(transaction, {
      sessionId: from.sessionId,
      sourceAgentId: from.id,
      targetAgentId: agentId,
      type: "message",
      payload: { text },
    });
    if (next !== target.status) await updateAgent(transaction, agentId, { status: next });
  });
  await kernel.wake(agentId);
}

/**
 * Cancels an agent that is not finished yet. A worker's runner, on whichever instance, hears
 * it at once (`threadwork_agent_cancel`) and aborts its model call or tool; `by` is who stopped it.
 */
export async function cancelAgentById(
  kernel: RuntimeKernel,
  agentId: string,
  by?: string,
  /** Runs in the cancelling transaction, e.g. to record who stopped it. */
  within?: (db: Database, agent: AgentRow) => Promise<void>,
): Promise<boolean> {
  const agent = await getAgent(kernel.db, agentId);
  if (!agent || isTerminal(agent.status)) return false;
  const updated = await kernel.db.transaction(async (db) => {
    const row = await updateAgent(db, agentId, {
      status: agent.role === "supervisor" ? "idle" : "cancelled",
      statusReason: "cancelled",
      finishedAt: agent.role === "supervisor" ? null : kernel.now(),
    });
    await cancelPendingRequests(db, agentId);
    if (row && agent.role === "worker") {
      await notifyParent(db, row, "agent-cancelled", {});
      await announceAgentCancelled(db, { agentId, ...(by === undefined ? {} : { by }) });
    }
    if (row && within) await within(db, row);
    return row;
  });
  if (!updated) return false;
  if (updated.role === "worker") {
    kernel.emit({ type: "agent-cancelled", sessionId: updated.sessionId, agent: agentSnapshot(updated) });
    // Its runner answers the calls the Stop left without a result (one waiting for an approval).
    await kernel.wake(agentId);
    await afterAgentEnded(kernel, updated);
  }
  return true;
}
