import type { AgentRole, AgentStatus } from "./agents.ts";

/** Where a session stands for the people in it, as App Home lists it. */
export type SessionActivity = "working" | "waiting for you" | "finished" | "stopped" | "failed";

/**
 * A session waits for a person while any question, approval or budget request is pending;
 * works while any agent is queued, running or waiting; is stopped once a person closed it
 * (sessions.ts); failed when its supervisor did; otherwise it has answered and is finished
 * until the next message.
 */
export function sessionActivity(
  agents: readonly { role: AgentRole; status: AgentStatus }[],
  pendingRequests: number,
  sessionStatus?: string,
): SessionActivity {
  if (pendingRequests > 0) return "waiting for you";
  if (agents.some((agent) => ["queued", "running", "waiting"].includes(agent.status))) return "working";
  if (sessionStatus === "closed") return "stopped";
  if (agents.some((agent) => agent.role === "supervisor" && agent.status === "failed")) return "failed";
  return agents.length === 0 ? "working" : "finished";
}
