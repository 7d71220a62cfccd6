import type { AgentRow } from "../adapters/database/agents.ts";
import { InterruptedByShutdown } from "../domain/errors.ts";
import type { RuntimeKernel } from "./kernel.ts";

/**
 * When a stopping process aborted `signal`, logs what was interrupted, with its agent, and
 * throws the reason: the step stores nothing, and the runner hands the agent over.
 */
export function throwIfInterruptedByShutdown(
  kernel: RuntimeKernel,
  signal: AbortSignal,
  agent: AgentRow,
  what: { message: string; fields?: Record<string, unknown> },
): void {
  if (!(signal.reason instanceof InterruptedByShutdown)) return;
  kernel.logger.warn(
    { agentId: agent.id, sessionId: agent.sessionId, model: agent.model, step: agent.step, ...what.fields },
    what.message,
  );
  throw signal.reason;
}
