import { getAgent } from "../adapters/database/agents.ts";
import { recordRunnerFailure } from "../adapters/database/runner-failures.ts";
import { isTerminal } from "../domain/agent-state.ts";
import { errorMessage } from "../domain/errors.ts";
import { redactSecrets } from "../domain/secret-redaction.ts";
import { failAgent } from "./agent-status.ts";
import type { RuntimeKernel } from "./kernel.ts";

/** Runner failures at one step before the agent is failed instead of retried again. */
export const runnerFailureLimit = 3;

/**
 * A runner failed with our own error (not a conflict, not a shutdown). The sweeper retries it
 * after the lease, which heals a passing outage; a step that fails every time would retry
 * forever with the thread left "processing". So failures are counted per step, on every
 * instance, and the third fails the agent: a supervisor's thread then shows it with Retry.
 */
export async function afterRunnerFailure(
  kernel: RuntimeKernel,
  agentId: string,
  error: unknown,
): Promise<void> {
  try {
    const agent = await getAgent(kernel.db, agentId);
    if (!agent || isTerminal(agent.status)) return;
    const reason = redactSecrets(errorMessage(error)).slice(0, 300);
    const failures = await recordRunnerFailure(kernel.db, agent, reason);
    if (failures < runnerFailureLimit) return;
    await failAgent(
      kernel,
      agent,
      `it failed ${failures} times at the same step and cannot resume (${reason})`,
    );
  } catch (failure) {
    // The database itself may be what fails: the sweeper tries again later.
    kernel.logger.warn({ err: failure, agentId }, "could not count the runner's failure");
  }
}
