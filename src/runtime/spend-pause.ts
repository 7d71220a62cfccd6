import type { AgentRow } from "../adapters/database/agents.ts";
import { findRequestForToolCall, type RequestRow } from "../adapters/database/requests.ts";
import { stoppedSinceLastUserMessage } from "../adapters/database/session-budget.ts";
import { restSupervisor } from "./agent-status.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { announceRequest, type HumanRequest, parkAgent, waitForHuman } from "./waits.ts";

/**
 * How the agent's own request at `key` (its current step) was decided: "allowed" once extended,
 * "stop" once stopped or cancelled (the stop handler already cancelled the workers; a supervisor
 * rests), or the request itself while it waits, or undefined when there is none yet.
 */
export async function decidedPause(
  kernel: RuntimeKernel,
  agent: AgentRow,
  key: string,
): Promise<"allowed" | "stop" | { open: RequestRow | undefined }> {
  const own = await findRequestForToolCall(kernel.db, agent.id, key);
  if (own && (own.status === "extended" || own.status === "approved")) return "allowed";
  if (own && own.status !== "pending") {
    if (agent.role === "supervisor") await restSupervisor(kernel, agent);
    return "stop";
  }
  return { open: own };
}

/**
 * Over a budget or a spend limit: the agent waits for Extend or Stop. A supervisor whose person
 * said stop rests until they write again; a request already open for the session (another agent's)
 * is announced again rather than asked twice; otherwise `request` is asked.
 */
export async function pauseForSpend(
  kernel: RuntimeKernel,
  agent: AgentRow,
  options: {
    own: RequestRow | undefined;
    pendingForSession: () => Promise<RequestRow | undefined>;
    request: HumanRequest;
  },
): Promise<"stop"> {
  if (agent.role === "supervisor" && (await stoppedSinceLastUserMessage(kernel.db, agent))) {
    await restSupervisor(kernel, agent);
    return "stop";
  }
  const pending = options.own ?? (await options.pendingForSession());
  if (pending) {
    if (agent.status !== "waiting") await parkAgent(kernel, agent);
    announceRequest(kernel, pending, agent.title);
    return "stop";
  }
  await waitForHuman(kernel, agent, options.request);
  return "stop";
}
