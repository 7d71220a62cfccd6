import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getAgent } from "../../src/adapters/database/agents.ts";
import { transcriptMessages } from "../../src/adapters/database/schema.ts";
import { runnerFailureLimit } from "../../src/runtime/crash-loop.ts";
import { textResponse } from "../fakes/fake-llm-server.ts";
import { backends } from "../helpers/database.ts";
import { eventually } from "../helpers/eventually.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { supervisorSettled } from "../helpers/supervisor-settled.ts";
import { useTestRuntime } from "../helpers/test-runtime-per-describe.ts";
import { scaled } from "../helpers/time-scale.ts";

/**
 * A step that fails with our own error every time (here a stored message that no longer parses)
 * would be retried by the sweeper forever, the thread left "processing". After a few failures
 * at the same step the agent fails, and the thread says so with Retry.
 */
describe.each(backends)("a step that fails every time ends in a visible failure on %s", (backend) => {
  const world = useTestRuntime(backend, {
    respond: () => textResponse("OK."),
    options: { leaseTtlMs: 300, sweepIntervalMs: 100 },
  });

  it("fails the supervisor after repeated runner failures and says so in the thread", {
    timeout: scaled(30_000),
  }, async () => {
    const surface = createMemorySurface(world.runtime);
    await surface.send("hello");
    const reply = await surface.waitFor((event) => event.type === "reply-completed");
    // A runner that still holds the lease keeps the transcript in memory and would never read the
    // damage: wait until it has let go, so the next turn's runner loads the transcript afresh.
    await eventually(() => supervisorSettled(world.handle.db, reply.sessionId));
    // The first message is damaged in storage: every step that reads the transcript now fails.
    await world.handle.db
      .update(transcriptMessages)
      .set({ parts: [{ type: "no-such-part" }] as never })
      .where(and(eq(transcriptMessages.agentId, reply.agentId), eq(transcriptMessages.seq, 0)));
    await surface.send("hello again");
    const failed = await surface.waitFor((event) => event.type === "turn-failed");
    expect(failed.reason).toContain(`failed ${runnerFailureLimit} times at the same step`);
    expect(failed.retryable).toBe(true);
    expect((await getAgent(world.handle.db, reply.agentId))?.status).toBe("failed");
    surface.close();
  });
});
