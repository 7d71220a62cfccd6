import {
  type CancellationListener,
  cancelledAgentsAmong,
  listenForAgentCancellations,
} from "../adapters/database/agent-cancellations.ts";
import { AgentCancelled } from "../domain/agent-cancellation.ts";
import type { RuntimeKernel } from "./kernel.ts";

/** The agents this instance runs now, each with the controller of its model call or tool. */
export type InFlight = ReadonlyMap<string, AbortController>;

interface CancellationWatch {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Aborts what this instance runs for an agent cancelled anywhere: at once when the cancel's
 * notification arrives, and within `cancelPollIntervalMs` when it was lost, by reading the
 * status of the agents it runs (one query by primary key, only while it runs any).
 */
export function watchCancellations(
  kernel: Pick<RuntimeKernel, "db" | "logger" | "options">,
  inFlight: InFlight,
): CancellationWatch {
  let listener: CancellationListener | undefined;
  let timer: NodeJS.Timeout | undefined;
  let polling = false;

  function abort(agentId: string, by: string | undefined): void {
    const controller = inFlight.get(agentId);
    if (!controller || controller.signal.aborted) return;
    kernel.logger.info({ agentId, by }, "stopping the agent's call in flight: it was cancelled");
    controller.abort(new AgentCancelled(by));
  }

  async function poll(): Promise<void> {
    if (polling || inFlight.size === 0) return;
    polling = true;
    try {
      for (const agentId of await cancelledAgentsAmong(kernel.db, [...inFlight.keys()]))
        abort(agentId, undefined);
    } catch (error) {
      kernel.logger.warn({ err: error }, "could not read which running agents were cancelled");
    } finally {
      polling = false;
    }
  }

  return {
    async start() {
      listener = await listenForAgentCancellations(
        kernel.db,
        (cancellation) => abort(cancellation.agentId, cancellation.by),
        kernel.logger,
      );
      timer = setInterval(() => void poll(), kernel.options.cancelPollIntervalMs);
    },
    async stop() {
      if (timer) clearInterval(timer);
      await listener?.close();
      listener = undefined;
    },
  };
}
