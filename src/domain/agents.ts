import type { Usage } from "./messages.ts";

/** Who an agent is, where it stands, and what surfaces show of it. */
export type AgentRole = "supervisor" | "worker";

export type AgentStatus =
  | "queued"
  | "running"
  | "waiting" // on a human: question, approval or budget
  | "idle" // a supervisor with nothing to do until the next message
  | "done"
  | "failed"
  | "cancelled";

export interface AgentSnapshot {
  id: string;
  sessionId: string;
  parentId: string | null;
  role: AgentRole;
  title: string;
  model: string;
  status: AgentStatus;
  latestProgress: string | null;
  usage: Usage;
  costMicros: number;
  /** False when the agent's model has no price: its cost is unknown, not zero. Absent: not known here. */
  priced?: boolean;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** The repository a worker works in (THREADWORK_REPOS name); absent or null when none. */
  repository?: string | null;
  /** Branch, diff stats, pull request: whatever the agent's result carries. */
  result: Record<string, unknown> | null;
}
