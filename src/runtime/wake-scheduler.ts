import type { PgBoss } from "pg-boss";
import {
  bumpWakeSeq,
  dropLease,
  releaseLease,
  renewLease,
  takeLease,
} from "../adapters/database/agent-leases.ts";
import { agentsToSweep } from "../adapters/database/agent-sweeps.ts";
import type { Database } from "../adapters/database/open-database.ts";
import { StepConflictError } from "../domain/errors.ts";
import type { AgentRunner, TranscriptMemory } from "./agent-runner.ts";
import type { RuntimeKernel } from "./kernel.ts";

export const wakeQueue = "agent-wake";

export interface WakeScheduler {
  wake(agentId: string): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when this instance runs no agent; for tests and graceful shutdown. */
  settled(): Promise<void>;
}

/**
 * Wake-ups go through pg-boss (durable, any instance) and, as a shortcut, straight to a
 * local runner. Whoever takes the agent's lease runs it; the others return at once.
 */
export function createWakeScheduler(
  kernel: Pick<RuntimeKernel, "db" | "logger" | "instanceId" | "options" | "telemetry">,
  boss: PgBoss,
  runner: AgentRunner,
): WakeScheduler {
  const db: Database = kernel.db;
  const active = new Map<string, Promise<void>>();
  const again = new Set<string>();
  let stopping = false;
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping = false;

  async function drive(agentId: string): Promise<void> {
    const ttl = kernel.options.leaseTtlMs;
    let seen = await takeLease(db, agentId, kernel.instanceId, ttl);
    if (seen === undefined) return;
    let leaseLost = false;
    // Kept only while this runner holds the lease; any conflict ends the loop and drops it.
    const memory: TranscriptMemory = { entries: [] };
    // Aborts the model call or tool in flight when the agent is cancelled or the lease lost.
    const controller = new AbortController();
    const heartbeat = setInterval(
      () => {
        renewLease(db, agentId, kernel.instanceId, ttl)
          .then((status) => {
            if (status === undefined) leaseLost = true;
            if (status === undefined || status === "cancelled") controller.abort();
          })
          .catch((error: unknown) => kernel.logger.warn({ err: error, agentId }, "lease renewal failed"));
      },
      Math.max(50, Math.floor(ttl / 3)),
    );
    try {
      for (;;) {
        if (stopping || leaseLost) {
          await dropLease(db, agentId, kernel.instanceId);
          return;
        }
        const outcome = await runner.runOneStep(agentId, controller.signal, memory);
        if (outcome === "continue") continue;
        const release = await releaseLease(db, agentId, kernel.instanceId, seen);
        if (release.released || release.wakeSeq === undefined) return;
        // A wake-up arrived while we ran: look again before letting go.
        seen = release.wakeSeq;
      }
    } catch (error) {
      if (error instanceof StepConflictError) {
        kernel.logger.debug({ agentId }, "another runner moved the agent; stopping");
        await dropLease(db, agentId, kernel.instanceId).catch(() => undefined);
        return;
      }
      // Our own failure (the database): the lease expires and a sweeper retries.
      kernel.logger.error({ err: error, agentId }, "agent runner failed");
    } finally {
      clearInterval(heartbeat);
      kernel.telemetry.agentRunEnded(agentId);
    }
  }

  function kick(agentId: string): void {
    if (stopping) return;
    if (active.has(agentId)) {
      again.add(agentId);
      return;
    }
    const run = drive(agentId)
      .catch((error: unknown) => kernel.logger.error({ err: error, agentId }, "agent runner crashed"))
      .finally(() => {
        active.delete(agentId);
        if (again.delete(agentId)) kick(agentId);
      });
    active.set(agentId, run);
  }

  async function sweep(): Promise<void> {
    if (sweeping || stopping) return;
    sweeping = true;
    try {
      for (const agentId of await agentsToSweep(db, 50)) kick(agentId);
    } catch (error) {
      kernel.logger.warn({ err: error }, "sweep failed");
    } finally {
      sweeping = false;
    }
  }

  return {
    async wake(agentId) {
      await bumpWakeSeq(db, agentId);
      await boss
        .send(wakeQueue, { agentId }, { singletonKey: agentId, retryLimit: 0 })
        .catch((error: unknown) => kernel.logger.warn({ err: error, agentId }, "could not queue a wake-up"));
      kick(agentId);
    },
    async start() {
      await boss.start();
      await boss.createQueue(wakeQueue, { policy: "short", notify: true });
      await boss.work<{ agentId: string }>(
        wakeQueue,
        {
          localConcurrency: kernel.options.localConcurrency,
          pollingIntervalSeconds: kernel.options.pollingIntervalSeconds,
          notifyPollingIntervalSeconds: Math.max(kernel.options.pollingIntervalSeconds, 5),
        },
        async (jobs) => {
          // The job only says "look at this agent"; the runner runs under its lease, not the job.
          for (const job of jobs) if (typeof job.data?.agentId === "string") kick(job.data.agentId);
        },
      );
      sweepTimer = setInterval(() => void sweep(), kernel.options.sweepIntervalMs);
      void sweep();
    },
    async stop() {
      stopping = true;
      if (sweepTimer) clearInterval(sweepTimer);
      await boss.offWork(wakeQueue).catch(() => undefined);
      // Runners stop after their current step; one stuck in a long model call is left to
      // its lease, which expires so another instance can take over.
      const grace = new Promise((resolve) => setTimeout(resolve, kernel.options.leaseTtlMs).unref());
      await Promise.race([Promise.allSettled([...active.values()]), grace]);
      await boss.stop({ graceful: false, timeout: 1000 }).catch(() => undefined);
    },
    async settled() {
      while (active.size > 0) await Promise.allSettled([...active.values()]);
    },
  };
}
