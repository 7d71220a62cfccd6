import type { AgentRole, AgentStatus } from "./agents.ts";
import { ThreadworkError } from "./errors.ts";

/** Statuses an agent never leaves on its own; only a new message may revive a `done` agent. */
export const terminalStatuses: readonly AgentStatus[] = ["done", "failed", "cancelled"];

export function isTerminal(status: AgentStatus): boolean {
  return terminalStatuses.includes(status);
}

/** Which moves the runtime makes. Anything else is a bug, so `assertTransition` throws. */
const allowed: Record<AgentStatus, readonly AgentStatus[]> = {
  queued: ["running", "waiting", "failed", "cancelled", "queued"],
  running: ["running", "waiting", "queued", "idle", "done", "failed", "cancelled"],
  waiting: ["waiting", "running", "queued", "failed", "cancelled", "idle"],
  idle: ["idle", "running", "queued", "failed", "cancelled", "waiting"],
  done: ["queued", "done"],
  failed: ["queued", "failed"],
  cancelled: ["queued", "cancelled"],
};

export function canTransition(from: AgentStatus, to: AgentStatus): boolean {
  return allowed[from].includes(to);
}

export function assertTransition(agentId: string, from: AgentStatus, to: AgentStatus): void {
  if (canTransition(from, to)) return;
  throw new ThreadworkError("invalid_transition", `Agent ${agentId} cannot move from ${from} to ${to}`, {
    category: "system",
    details: { agentId, from, to },
  });
}

/** Where an agent goes when new input arrives for it. */
export function statusOnInput(role: AgentRole, status: AgentStatus): AgentStatus {
  if (status === "running" || status === "queued" || status === "waiting") return status;
  // A supervisor always comes back: the user must get an answer. A worker comes back
  // only from `done` (a follow-up); a failed or cancelled worker stays so.
  if (role === "supervisor") return "queued";
  return status === "done" ? "queued" : status;
}
