import type { AgentSnapshot } from "../../../src/domain/agents.ts";
import { emptyUsage } from "../../../src/domain/messages.ts";

/** The fixed "now" the rendering tests draw their boards at. */
export const renderingNow = new Date("2026-11-24T05:00:00Z");

/** A running worker, started 65 s before `renderingNow`, for rendering tests. */
export function agentSnapshot(index: number, overrides: Partial<AgentSnapshot> = {}): AgentSnapshot {
  return {
    id: `agent_${index}`,
    sessionId: "session_1",
    parentId: "supervisor",
    role: "worker",
    title: `Agent ${index}`,
    model: "anthropic:claude-haiku-5-5",
    status: "running",
    latestProgress: null,
    usage: { ...emptyUsage, inputTokens: 1500, outputTokens: 500 },
    costMicros: 12_345,
    startedAt: new Date(renderingNow.getTime() - 65_000),
    finishedAt: null,
    result: null,
    ...overrides,
  };
}
