import type { AgentStatus } from "./agents.ts";

/** The status Slack shows on a thread's agent session (docs.slack.dev/ai/agent-sessions). */
const agentSessionStatuses = ["active", "processing", "suspended", "closed"] as const;
export type AgentSessionStatus = (typeof agentSessionStatuses)[number];

/** Agents that work now or will resume without anyone's help (a decided request's agent waits to be woken). */
const working: ReadonlySet<AgentStatus> = new Set(["queued", "running", "waiting"]);

interface AgentSessionFacts {
  /** The supervisor took a message and has not rested since. */
  supervisorWorking: boolean;
  /** The session's agents, the supervisor included when the runtime lists it. */
  agents: readonly { status: AgentStatus }[];
  /** Questions, approvals and budget requests waiting on a person. */
  pendingRequests: number;
  /** A person stopped all of the session's work (the session's own status is `closed`). */
  sessionClosed: boolean;
}

/**
 * What the thread's session shows. Waiting on a person comes first: while anyone waits,
 * the thread needs attention even if other agents still work. Then work in progress; then
 * idle, or done once a person stopped the session.
 */
export function agentSessionStatusOf(facts: AgentSessionFacts): AgentSessionStatus {
  if (facts.pendingRequests > 0) return "suspended";
  if (facts.supervisorWorking || facts.agents.some((agent) => working.has(agent.status))) return "processing";
  return facts.sessionClosed ? "closed" : "active";
}
