import { updateAgentAtStep } from "../adapters/database/agent-steps.ts";
import { type AgentRow, getAgent, listAgentsForSession } from "../adapters/database/agents.ts";
import { readContext, writeContext } from "../adapters/database/context.ts";
import { enqueueEvent } from "../adapters/database/events.ts";
import { getSession, updateSession } from "../adapters/database/sessions.ts";
import { getToolCall } from "../adapters/database/tool-calls.ts";
import type { CheckOutcome } from "../domain/environment.ts";
import { StepConflictError, ToolError } from "../domain/errors.ts";
import { storedSessionTitle } from "../domain/session-title.ts";
import type { AgentServices } from "../tools/agent/agent-tool-context.ts";
import { cancelAgentById, messageWorker, spawnWorker } from "./agent-lifecycle.ts";
import { checkBeforeFinishing } from "./check-before-finishing.ts";
import { createElicitation, type ElicitingCall } from "./elicitation.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { agentSnapshot } from "./snapshots.ts";

/** The services one agent's tool calls get: each reaches only that agent's session and its own calls. */
export function createAgentServices(
  kernel: RuntimeKernel,
  agent: AgentRow,
  onFinish: (summary: string, check?: CheckOutcome) => void,
  call: ElicitingCall = { toolCallId: undefined, signal: new AbortController().signal },
): AgentServices {
  return {
    spawnAgent: (request) => spawnWorker(kernel, agent, request),
    attachFile: (file) =>
      kernel.emit({
        type: "file-attached",
        sessionId: agent.sessionId,
        agentId: agent.id,
        agentTitle: agent.title,
        file,
      }),
    messageAgent: (agentId, text) => messageWorker(kernel, agent, agentId, text),
    async cancelAgent(agentId) {
      const target = await getAgent(kernel.db, agentId);
      if (!target || target.sessionId !== agent.sessionId || target.role === "supervisor") return false;
      return cancelAgentById(kernel, agentId, "the supervisor");
    },
    listAgents: async () =>
      (await listAgentsForSession(kernel.db, agent.sessionId)).map((row) =>
        agentSnapshot(row, kernel.config.priceOverrides),
      ),
    async nameSession(title) {
      const stored = storedSessionTitle(title);
      if (stored === "") throw new ToolError("The title is empty once cleaned; use a few plain words.");
      await updateSession(kernel.db, agent.sessionId, { title: stored });
      kernel.emit({ type: "session-titled", sessionId: agent.sessionId, title: stored });
      return stored;
    },
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
    checkBeforeFinishing: (summary, signal) => checkBeforeFinishing(kernel, agent, summary, signal),
    async finish(summary, check) {
      onFinish(summary, check);
    },
    async listContext() {
      const entries = await readContext(kernel.db, agent.sessionId);
      return entries.map((entry) => ({ key: entry.key, version: entry.version }));
    },
    readContext: async (key) => (await readContext(kernel.db, agent.sessionId, key))?.value,
    async writeContext(key, value) {
      const { version } = await writeContext(kernel.db, agent.sessionId, key, value, agent.id);
      return { version };
    },
    toolOutput: async (toolCallId) =>
      (await getToolCall(kernel.db, agent.id, toolCallId))?.output ?? undefined,
    sessionMetadata: async () => (await getSession(kernel.db, agent.sessionId))?.metadata ?? {},
    elicit: createElicitation(kernel, agent, call),
  };
}
