import { ThreadworkError } from "./errors.ts";

/**
 * The reason an agent's in-flight model call or tool was aborted: a person stopped the agent,
 * on this instance or another. `by` is who, when the instance heard it (a notification says,
 * the fallback read of the agent's status does not).
 */
export class AgentCancelled extends ThreadworkError {
  readonly by: string | undefined;
  constructor(by: string | undefined) {
    super("agent_cancelled", by ? `Cancelled by ${by}` : "Cancelled by a person", {
      category: "user",
      details: { by },
    });
    this.name = "AgentCancelled";
    this.by = by;
  }
}

/**
 * The result a tool call gets when its agent was stopped while it ran: it is answered (so
 * every tool call has a result), never run again, and what it printed before is kept.
 */
export function cancelledToolResult(reason: AgentCancelled, output: string): string {
  const text = `${reason.message} while this call ran; it was stopped and may have partly taken effect.`;
  return output.trim() === "" ? text : `${text}\n${output}`;
}
