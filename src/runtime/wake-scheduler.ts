import type { PgBoss } from "pg-boss";
import {
  bumpWakeSeq,
  dropLease,
  releaseLease,
  releaseLeasesOf,
  renewLease,
  takeLease,
} from "../adapters/database/agent-leases.ts";
import { agentsToSweep } from "../adapters/database/agent-sweeps.ts";
import type { Database } from "../adapters/database/open-database.ts";
import { agentInScope } from "../adapters/database/session-scope.ts";
import { AgentCancelled } from "../domain/agent-cancellation.ts";
import { InterruptedByShutdown, StepConflictError } from "../domain/errors.ts";
import type { AgentRunner, TranscriptMemory } from "./agent-runner.ts";
import { watchCancellations } from "./cancellation-watch.ts";
import type { RuntimeKernel } from "./kernel.ts";

export const wakeQueue = "agent-wake";

/** Agents whose latest wake sequence seen here is remembered; past this the oldest are forgotten. */
const maximumRemembered = 10_000;

/** Deadlines (epoch ms) for a stop; see `shutdownPlan`. */
export interface StopDeadlines {
  /** Until then runners finish the step they are in. Default: one lease TTL from now. */
  drainBy?: number;
  /** Model calls and tools still running at `drainBy` are aborted; until then their runners may let go. */
  abortedBy?: number;
}

interface WakeScheduler {
  wake(agentId: string): Promise<void>;
  start(): Promise<void>;
  /**
   * Stops fetching wake-ups and sweeping, lets runners finish their step (a supervisor may
   * still go idle), interrupts what runs at `drainBy`, releases every lease this instance
   * holds and queues a wake-up for each agent it let go, so another instance resumes it at once.
   */
  stop(deadlines?: StopDeadlines): Promise<void>;
  /** Resolves when this instance runs no agent; for tests and graceful shutdown. */
  settled(): Promise<void>;
}

/**
 * Wake-ups go through pg-boss (durable, any instance) and, as a shortcut, straight to a
 * local runner. Whoever takes the agent's lease runs it; the others return at once.
 */
export function createWakeScheduler(
  kernel: Pick<RuntimeKernel, "db" | "logger" | "instanceId" | "options" | "telemetry" | "scope">,
  boss: PgBoss,
  runner: AgentRunner,
  /** Called after a runner failed with our own error; the lease is kept until it expires. */
  onRunnerFailed: (agentId: string, error: unknown) => Promise<void> = async () => {},
): WakeScheduler {
  const db: Database = kernel.db;
  const active = new Map<string, Promise<void>>();
  const controllers = new Map<string, AbortController>();
  // A Stop on any instance aborts the agent's controller here, without waiting for a heartbeat.
  const cancellations = watchCancellations(kernel, controllers);
  /** Agents a stopping instance let go of with work left: another instance must pick them up. */
  const handOver = new Set<string>();
  const again = new Set<string>();
  /**
   * Per agent, the highest wake sequence a runner here took the lease at or looked again at:
   * a queued wake-up at or below it was already seen by that runner (it read the agent's state
   * after the wake-up was recorded, and lets go only when no later one arrived).
   */
  const seenHere = new Map<string, number>();
  function rememberSeen(agentId: string, wakeSeq: number): void {
    if ((seenHere.get(agentId) ?? -1) >= wakeSeq) return;
    seenHere.delete(agentId);
    if (seenHere.size >= maximumRemembered) {
      const oldest = seenHere.keys().next().value;
      if (oldest !== undefined) seenHere.delete(oldest);
    }
    seenHere.set(agentId, wakeSeq);
  }
  let stopping = false;
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping = false;

  async function drive(agentId: string): Promise<void> {
    const ttl = kernel.options.leaseTtlMs;
    if (kernel.scope && !(await agentInScope(db, agentId, kernel.scope))) return;
    let seen = await takeLease(db, agentId, kernel.instanceId, ttl);
    if (seen === undefined) return;
    rememberSeen(agentId, seen);
    let leaseLost = false;
    // Kept only while this runner holds the lease; any conflict ends the loop and drops it.
    const memory: TranscriptMemory = { entries: [] };
    // Aborts the model call or tool in flight when the agent is cancelled or the lease lost.
    const controller = new AbortController();
    controllers.set(agentId, controller);
    const heartbeat = setInterval(
      () => {
        renewLease(db, agentId, kernel.instanceId, ttl)
          .then((status) => {
            if (status === undefined) {
              leaseLost = true;
              controller.abort();
            } else if (status === "cancelled" && !controller.signal.aborted) {
              controller.abort(new AgentCancelled(undefined));
            }
          })
          .catch((error: unknown) => kernel.logger.warn({ err: error, agentId }, "lease renewal failed"));
      },
      Math.max(50, Math.floor(ttl / 3)),
    );
    try {
      for (;;) {
        if (leaseLost) {
          await dropLease(db, agentId, kernel.instanceId);
          return;
        }
        const outcome = await runner.runOneStep(agentId, controller.signal, memory, { restOnly: stopping });
        if (outcome === "continue") continue;
        if (stopping) {
          await dropLease(db, agentId, kernel.instanceId);
          if (outcome === "deferred") handOver.add(agentId);
          return;
        }
        const release = await releaseLease(db, agentId, kernel.instanceId, seen);
        if (release.released || release.wakeSeq === undefined) return;
        // A wake-up arrived while we ran: look again before letting go, unless the session left this
        // runtime's scope meanwhile (a terminal holds it now); the runtime that serves it takes over.
        if (kernel.scope && !(await agentInScope(db, agentId, kernel.scope))) {
          await dropLease(db, agentId, kernel.instanceId);
          return;
        }
        seen = release.wakeSeq;
        rememberSeen(agentId, seen);
      }
    } catch (error) {
      if (error instanceof InterruptedByShutdown) {
        await dropLease(db, agentId, kernel.instanceId).catch(() => undefined);
        handOver.add(agentId);
        return;
      }
      if (error instanceof StepConflictError) {
        kernel.logger.debug({ agentId }, "another runner moved the agent; stopping");
        await dropLease(db, agentId, kernel.instanceId).catch(() => undefined);
        if (stopping) handOver.add(agentId);
        return;
      }
      // Our own failure (the database): the lease expires and a sweeper retries.
      kernel.logger.error({ err: error, agentId }, "agent runner failed");
      await onRunnerFailed(agentId, error);
    } finally {
      clearInterval(heartbeat);
      controllers.delete(agentId);
      kernel.telemetry.agentRunEnded(agentId);
    }
  }

  /** Resolves when every runner has returned, or at `deadline`; true if they all returned. */
  async function runnersReturn(deadline: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
    });
    const returned = (async () => {
      while (active.size > 0) await Promise.allSettled([...active.values()]);
      return true as const;
    })();
    try {
      return await Promise.race([returned, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  function kick(agentId: string): void {
    if (stopping) {
      // A wake-up this instance will not act on goes to the next one with the hand-over.
      handOver.add(agentId);
      return;
    }
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

  async function takeQueuedWakeUps(): Promise<void> {
    await boss.work<{ agentId: string; wakeSeq?: number }>(
      wakeQueue,
      {
        // One worker fetching up to `localConcurrency` jobs: the handler only kicks a runner and
        // returns, so more workers add nothing but a fetch each per NOTIFY (most of them empty).
        // A full batch fetches again at once; a NOTIFY during a fetch makes it fetch again after.
        localConcurrency: 1,
        batchSize: Math.max(1, kernel.options.localConcurrency),
        burstWhenBatchFull: true,
        pollingIntervalSeconds: kernel.options.pollingIntervalSeconds,
        notifyPollingIntervalSeconds: Math.max(kernel.options.pollingIntervalSeconds, 5),
      },
      async (jobs) => {
        // The job only says "look at this agent"; the runner runs under its lease, not the job.
        // One a runner here has already seen (the local kick of the same wake-up) is done.
        for (const job of jobs) {
          const { agentId, wakeSeq } = job.data ?? {};
          if (typeof agentId !== "string") continue;
          if (typeof wakeSeq === "number" && (seenHere.get(agentId) ?? -1) >= wakeSeq) continue;
          kick(agentId);
        }
      },
    );
  }

  async function sweep(): Promise<void> {
    if (sweeping || stopping) return;
    sweeping = true;
    try {
      for (const agentId of await agentsToSweep(db, 50, kernel.scope)) kick(agentId);
    } catch (error) {
      kernel.logger.warn({ err: error }, "sweep failed");
    } finally {
      sweeping = false;
    }
  }

  return {
    async wake(agentId) {
      const wakeSeq = await bumpWakeSeq(db, agentId);
      await boss
        .send(wakeQueue, { agentId, wakeSeq }, { singletonKey: agentId, retryLimit: 0 })
        .catch((error: unknown) => kernel.logger.warn({ err: error, agentId }, "could not queue a wake-up"));
      kick(agentId);
    },
    async start() {
      await boss.start();
      await boss.createQueue(wakeQueue, { policy: "short", notify: true });
      await cancellations.start();
      if (kernel.scope?.conversationKey === undefined) await takeQueuedWakeUps();
      sweepTimer = setInterval(() => void sweep(), kernel.options.sweepIntervalMs);
      void sweep();
    },
    async stop(deadlines = {}) {
      const drainBy = deadlines.drainBy ?? Date.now() + kernel.options.leaseTtlMs;
      const abortedBy = deadlines.abortedBy ?? drainBy + 1000;
      const log = kernel.logger;
      stopping = true;
      if (sweepTimer) clearInterval(sweepTimer);
      await boss.offWork(wakeQueue, { wait: false }).catch(() => undefined);
      const running = [...active.keys()];
      log.info({ agentIds: running }, "shutdown: no new work taken; running steps may finish");
      if (!(await runnersReturn(drainBy))) {
        const interrupted = [...active.keys()];
        log.warn({ agentIds: interrupted }, "shutdown: interrupting the steps still running");
        for (const agentId of interrupted) controllers.get(agentId)?.abort(new InterruptedByShutdown());
        await runnersReturn(abortedBy);
      }
      // Whatever still holds a lease (a tool that ignores its signal) is let go too.
      const stuck = await releaseLeasesOf(db, kernel.instanceId).catch((error: unknown) => {
        log.warn({ err: error }, "shutdown: could not release this instance's leases");
        return [];
      });
      if (stuck.length > 0)
        log.warn({ agentIds: stuck }, "shutdown: released the leases of agents that did not stop");
      for (const agentId of stuck) handOver.add(agentId);
      // A wake-up per agent let go: another instance (LISTEN/NOTIFY) resumes it now, not after a lease TTL.
      const handed = [...handOver];
      await Promise.all(
        handed.map((agentId) =>
          boss
            .send(wakeQueue, { agentId }, { singletonKey: agentId, retryLimit: 0 })
            .catch((error: unknown) =>
              log.warn({ err: error, agentId }, "shutdown: could not hand an agent over"),
            ),
        ),
      );
      log.info({ agentIds: handed }, "shutdown: agents handed over to the next instance");
      await cancellations.stop();
      await boss.stop({ graceful: false, timeout: 1000 }).catch(() => undefined);
    },
    async settled() {
      while (active.size > 0) await Promise.allSettled([...active.values()]);
    },
  };
}
