import { appendStepMessage, persistStep, updateAgentAtStep } from "../adapters/database/agent-steps.ts";
import { quietEventTypes } from "../adapters/database/agent-sweeps.ts";
import { type AgentRow, getAgent, listAgentsForSession } from "../adapters/database/agents.ts";
import { consumeEvents, type EventRow, enqueueEvent, pendingEventsFor } from "../adapters/database/events.ts";
import { loadTranscript } from "../adapters/database/transcript.ts";
import { isTerminal } from "../domain/agent-state.ts";
import { errorMessage, StepConflictError } from "../domain/errors.ts";
import { eventText } from "../domain/prompts/event-text.ts";
import { planNextStep } from "../domain/transcript.ts";
import type { AgentServices } from "../tools/agent/agent-tool-context.ts";
import { supervisorTools, workerTools } from "../tools/agent/agent-tools.ts";
import { cancelAgentById, messageWorker, spawnWorker } from "./agent-lifecycle.ts";
import { ensureRunning, failAgent, restSupervisor } from "./agent-status.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { modelStep, type StepOutcome } from "./model-step.ts";
import type { AnyTool } from "./runtime-context.ts";
import { agentSnapshot } from "./snapshots.ts";
import type { AgentStatus } from "./surface-port.ts";
import { toolStep } from "./tool-step.ts";

export interface AgentRunner {
  /** Plans and runs the agent's next step; "stop" when it has nothing to do now. */
  runOneStep(agentId: string, signal?: AbortSignal): Promise<StepOutcome>;
}

export function createAgentRunner(
  kernel: RuntimeKernel,
  extra: { workerTools: AnyTool[]; supervisorTools: AnyTool[] },
): AgentRunner {
  const toolsFor = (agent: AgentRow): AnyTool[] =>
    agent.role === "supervisor"
      ? [...supervisorTools, ...extra.supervisorTools]
      : [...workerTools, ...extra.workerTools];

  function makeServices(agent: AgentRow, onFinish: (summary: string) => void): AgentServices {
    return {
      db: kernel.db,
      spawnAgent: (request) => spawnWorker(kernel, agent, request),
      messageAgent: (agentId, text) => messageWorker(kernel, agent, agentId, text),
      async cancelAgent(agentId) {
        const target = await getAgent(kernel.db, agentId);
        if (!target || target.sessionId !== agent.sessionId || target.role === "supervisor") return false;
        return cancelAgentById(kernel, agentId);
      },
      listAgents: async () => (await listAgentsForSession(kernel.db, agent.sessionId)).map(agentSnapshot),
      async reportProgress(text) {
        const updated = await updateAgentAtStep(kernel.db, agent.id, agent.step, { latestProgress: text });
        if (!updated) throw new StepConflictError(agent.id, agent.step);
        if (updated.parentId) {
          await enqueueEvent(kernel.db, {
            sessionId: agent.sessionId,
            sourceAgentId: agent.id,
            targetAgentId: updated.parentId,
            type: "agent-progress",
            payload: { agentId: agent.id, title: agent.title, text },
          });
        }
        kernel.emit({
          type: "agent-progress",
          sessionId: agent.sessionId,
          agent: agentSnapshot(updated),
          text,
        });
      },
      async finish(summary) {
        onFinish(summary);
      },
    };
  }

  async function drain(agent: AgentRow, events: EventRow[], seq: number): Promise<StepOutcome> {
    const running = await ensureRunning(kernel, agent);
    if (!running) return "stop";
    const parts = events.map((event) => ({
      type: "text" as const,
      text: eventText({ type: event.type, payload: event.payload }),
    }));
    await persistStep(kernel.db, running.id, running.step, {}, async (transaction, row) => {
      await appendStepMessage(transaction, row, seq, { role: "user", parts });
      await consumeEvents(
        transaction,
        events.map((event) => event.id),
      );
    });
    return "continue";
  }

  /** A worker with a repository gets its working copy before its first step. */
  async function prepareWorkspace(agent: AgentRow): Promise<AgentRow | undefined> {
    if (!kernel.workspaces || !agent.repo || agent.workspace || agent.role !== "worker") return agent;
    try {
      const workspace = await kernel.workspaces.createWorkspace({
        sessionId: agent.sessionId,
        agentId: agent.id,
        repo: agent.repo,
        title: agent.title,
      });
      const updated = await updateAgentAtStep(kernel.db, agent.id, agent.step, {
        workspace: workspace as unknown as Record<string, unknown>,
      });
      if (!updated) throw new StepConflictError(agent.id, agent.step);
      return updated;
    } catch (error) {
      if (error instanceof StepConflictError) throw error;
      await failAgent(
        kernel,
        agent,
        `could not prepare the workspace for ${agent.repo}: ${errorMessage(error)}`,
      );
      return undefined;
    }
  }

  return {
    async runOneStep(agentId, signal = new AbortController().signal) {
      const loaded = await getAgent(kernel.db, agentId);
      if (!loaded || isTerminal(loaded.status as AgentStatus)) return "stop";
      if (loaded.deadlineAt && loaded.deadlineAt.getTime() <= kernel.now().getTime()) {
        await failAgent(kernel, loaded, "timed out");
        return "stop";
      }
      const agent = await prepareWorkspace(loaded);
      if (!agent) return "stop";
      const entries = await loadTranscript(kernel.db, agentId);
      const transcript = entries.map((entry) => entry.message);
      // The step check serialises writers, so the next seq is free unless another runner moved on.
      const seq = (entries.at(-1)?.seq ?? -1) + 1;
      const events = await pendingEventsFor(kernel.db, agentId);
      const waking = events.some((event) => !quietEventTypes.includes(event.type));
      // Progress notes alone do not cost a turn; they ride along with the next one.
      const turnDue = transcript.at(-1)?.role === "user";
      const plan = planNextStep(transcript, waking || (events.length > 0 && turnDue));
      switch (plan.kind) {
        case "tool":
          return toolStep(kernel, agent, seq, plan.call, toolsFor(agent), makeServices, signal);
        case "drain":
          return drain(agent, events, seq);
        case "turn":
          return modelStep(kernel, agent, transcript, seq, toolsFor(agent), signal);
        case "rest":
          if (agent.role === "supervisor") await restSupervisor(kernel, agent);
          return "stop";
      }
    },
  };
}
