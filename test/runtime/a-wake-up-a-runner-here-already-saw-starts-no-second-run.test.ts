import { randomUUID } from "node:crypto";
import type { PgBoss } from "pg-boss";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bumpWakeSeq } from "../../src/adapters/database/agent-leases.ts";
import { insertAgent } from "../../src/adapters/database/agents.ts";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { createSession } from "../../src/adapters/database/sessions.ts";
import { noTelemetry } from "../../src/domain/telemetry-port.ts";
import type { AgentRunner } from "../../src/runtime/agent-runner.ts";
import { defaultRuntimeOptions } from "../../src/runtime/runtime-context.ts";
import { createWakeScheduler } from "../../src/runtime/wake-scheduler.ts";
import { createTestDatabase } from "../helpers/database.ts";

type WakeJob = { id: string; data: { agentId: string; wakeSeq?: number } };

/** The part of pg-boss the wake scheduler uses: jobs are kept, and handed to the worker when a test says. */
class FakeWakeQueue {
  readonly sent: WakeJob["data"][] = [];
  private handler: ((jobs: WakeJob[]) => Promise<void>) | undefined;
  async start(): Promise<void> {}
  async createQueue(): Promise<void> {}
  async work(
    _queue: string,
    _options: unknown,
    handler: (jobs: WakeJob[]) => Promise<void>,
  ): Promise<string> {
    this.handler = handler;
    return "worker";
  }
  async send(_queue: string, data: WakeJob["data"]): Promise<string> {
    this.sent.push(data);
    return randomUUID();
  }
  async offWork(): Promise<void> {}
  async stop(): Promise<void> {}
  /** Hands every job sent so far to the worker, as a fetch would. */
  async deliver(): Promise<void> {
    const jobs = this.sent.splice(0).map((data) => ({ id: randomUUID(), data }));
    await this.handler?.(jobs);
  }
}

/**
 * A wake-up both kicks a local runner and queues a job, so that any instance looks at the agent.
 * When the job comes back to the instance whose runner already took the agent after that wake-up,
 * it must not start a second run (a lease taken, the agent's state read, nothing to do, released).
 * A job for a later wake-up (another instance's) still does.
 */
describe("wake-up jobs on the instance that already ran the agent", () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase("pglite");
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("start no second run for a wake-up seen, and one for a later wake-up", async () => {
    const { session } = await createSession(handle.db, {
      surface: "slack",
      conversationKey: `T1:C1:${randomUUID()}`,
      ownerId: "U1",
    });
    const agent = await insertAgent(handle.db, {
      sessionId: session.id,
      role: "worker",
      title: "worker",
      model: "anthropic:claude-haiku-5-5",
      status: "idle",
    });
    const steps: string[] = [];
    const runner: AgentRunner = {
      async runOneStep(agentId) {
        steps.push(agentId);
        return "stop";
      },
    };
    const queue = new FakeWakeQueue();
    const scheduler = createWakeScheduler(
      {
        db: handle.db,
        logger: pino({ level: "silent" }),
        instanceId: "instance-a",
        options: { ...defaultRuntimeOptions, sweepIntervalMs: 3_600_000 },
        telemetry: noTelemetry,
        scope: undefined,
      },
      queue as unknown as PgBoss,
      runner,
    );
    await scheduler.start();
    try {
      await scheduler.wake(agent.id);
      await scheduler.settled();
      expect(steps).toHaveLength(1);
      expect(queue.sent).toEqual([{ agentId: agent.id, wakeSeq: 1 }]);

      // The job of that same wake-up: the runner above took the lease after it was recorded.
      await queue.deliver();
      await scheduler.settled();
      expect(steps).toHaveLength(1);

      // Another instance's wake-up, recorded after the run: this instance must look again.
      const later = await bumpWakeSeq(handle.db, agent.id);
      queue.sent.push({ agentId: agent.id, wakeSeq: later ?? -1 });
      await queue.deliver();
      await scheduler.settled();
      expect(steps).toHaveLength(2);

      // A job without a sequence (an older instance's, or a hand-over) is always looked at.
      queue.sent.push({ agentId: agent.id });
      await queue.deliver();
      await scheduler.settled();
      expect(steps).toHaveLength(3);
    } finally {
      await scheduler.stop({ drainBy: Date.now() });
    }
  });
});
