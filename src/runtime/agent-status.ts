import { acquireSlot } from "../adapters/database/agent-slots.ts";
import { persistStep, updateAgentAtStep } from "../adapters/database/agent-steps.ts";
import { type AgentRow, listAgentsForSession } from "../adapters/database/agents.ts";
import { assertTransition, isTerminal } from "../domain/agent-state.ts";
import { StepConflictError } from "../domain/errors.ts";
import { afterAgentEnded, notifyParent, wakeFirstQueuedWorkers } from "./agent-lifecycle.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { agentSnapshot } from "./snapshots.ts";
import { announceTurnFailed, emptyTurnReason } from "./turn-failure.ts";

/**
 * Puts the agent in `running` before it does work. Workers need a slot under the global
 * and per-session caps; without one they stay `queued` until a running worker ends.
 */
export async function ensureRunning(kernel: RuntimeKernel, agent: AgentRow): Promise<AgentRow | undefined> {
  if (agent.status === "running") return agent;
  assertTransition(agent.id, agent.status, "running");
  const firstStart = agent.startedAt === null;
  const patch = { startedAt: agent.startedAt ?? kernel.now(), statusReason: null };
  let running: AgentRow | undefined;
  if (agent.role === "supervisor") {
    running = await updateAgentAtStep(kernel.db, agent.id, agent.step, { ...patch, status: "running" });
    if (!running) throw new StepConflictError(agent.id, agent.step);
  } else {
    const slot = await acquireSlot(
      kernel.db,
      agent,
      {
        global: kernel.config.limits.maxConcurrentAgents,
        perSession: kernel.config.limits.maxAgentsPerSession,
      },
      patch,
    );
    running = slot.granted;
    // The free slot is kept for another session's worker: make sure it is looking.
    if (slot.deferred) await wakeFirstQueuedWorkers(kernel, agent.id);
    if (!running) {
      if (agent.status !== "queued") {
        const queued = await updateAgentAtStep(kernel.db, agent.id, agent.step, { status: "queued" });
        if (!queued) throw new StepConflictError(agent.id, agent.step);
      }
      return undefined;
    }
  }
  if (firstStart && running.role === "worker") {
    kernel.emit({ type: "agent-started", sessionId: running.sessionId, agent: agentSnapshot(running) });
  }
  return running;
}

/** Marks the agent failed with its reason; the parent's mailbox and the surface both hear of it. */
export async function failAgent(kernel: RuntimeKernel, agent: AgentRow, reason: string): Promise<void> {
  assertTransition(agent.id, agent.status, "failed");
  const { agent: failed } = await persistStep(
    kernel.db,
    agent.id,
    agent.step,
    { status: "failed", statusReason: reason, finishedAt: kernel.now() },
    async (transaction, row) => notifyParent(transaction, row, "agent-failed", { reason }),
  );
  kernel.emit({ type: "agent-failed", sessionId: failed.sessionId, agent: agentSnapshot(failed), reason });
  // Nobody above the supervisor: tell the thread directly, with a Retry.
  if (failed.role === "supervisor") announceTurnFailed(kernel, failed, agent.step, reason);
  await afterAgentEnded(kernel, failed);
}

/**
 * A supervisor with nothing left to do rests until the next message or event. A turn that
 * ended with neither text nor a tool call (`endedSilently`) is said in the thread as failed;
 * said here, after the turn is stored, so an instance that resumes the agent says it too.
 */
export async function restSupervisor(
  kernel: RuntimeKernel,
  agent: AgentRow,
  endedSilently = false,
): Promise<void> {
  if (agent.status !== "idle") {
    assertTransition(agent.id, agent.status, "idle");
    const idle = await updateAgentAtStep(kernel.db, agent.id, agent.step, { status: "idle" });
    if (!idle) throw new StepConflictError(agent.id, agent.step);
  }
  if (agent.status === "running") {
    const agents = await listAgentsForSession(kernel.db, agent.sessionId);
    kernel.logger.debug({ agentId: agent.id, agents: agents.length }, "supervisor idle");
    if (endedSilently) announceTurnFailed(kernel, agent, agent.step, emptyTurnReason);
    kernel.emit({ type: "session-idle", sessionId: agent.sessionId });
    // Workers that run, queue or wait on a person keep the session busy: it is idle only without them.
    if (agents.every((other) => other.role === "supervisor" || isTerminal(other.status))) {
      kernel.lifecycle.sessionIdle(agent.sessionId);
    }
  }
}
