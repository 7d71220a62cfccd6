import type { AgentRole, AgentStatus } from "./agents.ts";

/** Where a session stands for the people in it, as App Home lists it. */
export type SessionActivity = "working" | "waiting for you" | "finished" | "failed";

/**
 * A session waits for a person while any question, approval or budget request is pending;
 * works while any agent is queued or running; failed when its supervisor did; otherwise it
 * has answered and is finished until the next message.
 */
export function sessionActivity(
  agents: readonly { role: AgentRole; status: AgentStatus }[],
  pendingRequests: number,
): SessionActivity {
  if (pendingRequests > 0) return "waiting for you";
  if (agents.some((agent) => ["queued", "running", "waiting"].includes(agent.status))) return "working";
  if (agents.some((agent) => agent.role === "supervisor" && agent.status === "failed")) return "failed";
  return agents.length === 0 ? "working" : "finished";
}
