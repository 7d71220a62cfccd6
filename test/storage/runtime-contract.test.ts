import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bumpWakeSeq,
  dropLease,
  releaseLease,
  releaseLeasesOf,
  renewLease,
  takeLease,
} from "../../src/adapters/database/agent-leases.ts";
import { acquireSlot, queuedWorkers } from "../../src/adapters/database/agent-slots.ts";
import {
  appendStepMessage,
  persistStep,
  updateAgentAtStep,
  writeStep,
} from "../../src/adapters/database/agent-steps.ts";
import { agentsToSweep } from "../../src/adapters/database/agent-sweeps.ts";
import { findSupervisor, getAgent, insertAgent, updateAgent } from "../../src/adapters/database/agents.ts";
import { consumeEvents, enqueueEvent, pendingEventsFor } from "../../src/adapters/database/events.ts";
import type { Database, DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import {
  cancelPendingRequests,
  createRequest,
  decideRequest,
  getRequest,
  involvesHumans,
  listAllPendingRequests,
} from "../../src/adapters/database/requests.ts";
import {
  pendingBudgetRequest,
  stoppedSinceLastUserMessage,
} from "../../src/adapters/database/session-budget.ts";
import { createSession, updateSession } from "../../src/adapters/database/sessions.ts";
import { loadStepState } from "../../src/adapters/database/step-state.ts";
import { finishedToolCallRow, getToolCall } from "../../src/adapters/database/tool-calls.ts";
import { loadTranscript } from "../../src/adapters/database/transcript.ts";
import { sessionUsageTotals, stepUsageRow } from "../../src/adapters/database/usage.ts";
import { StepConflictError } from "../../src/domain/errors.ts";
import type { ChatMessage } from "../../src/domain/messages.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";

const hello: ChatMessage = { role: "user", parts: [{ type: "text", text: "hello" }] };

describe.each(backends)("runtime storage contract on %s", (backend) => {
  let handle: DatabaseHandle;
  let db: Database;

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
    db = handle.db;
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function newSession() {
    const { session } = await createSession(db, {
      surface: "slack",
      conversationKey: `T1:C1:${randomUUID()}`,
      ownerId: "U1",
    });
    return session;
  }

  async function newAgent(
    sessionId: string,
    role: "supervisor" | "worker" = "worker",
    status: "queued" | "idle" | "running" = "queued",
  ) {
    return insertAgent(db, { sessionId, role, title: role, model: "anthropic:claude-haiku-5-5", status });
  }

  describe("leases", () => {
    it("go to one runner at a time, and to another once expired", async () => {
      const agent = await newAgent((await newSession()).id);
      const takes = await Promise.all([
        takeLease(db, agent.id, "instance-a", 60_000),
        takeLease(db, agent.id, "instance-b", 60_000),
        takeLease(db, agent.id, "instance-c", 60_000),
      ]);
      expect(takes.filter((seen) => seen !== undefined)).toEqual([0]);
      const owner = (await getAgent(db, agent.id))?.leaseOwner;
      const other = owner === "instance-a" ? "instance-b" : "instance-a";
      expect(await renewLease(db, agent.id, owner ?? "", 60_000)).toBe("queued");
      expect(await renewLease(db, agent.id, other, 60_000)).toBeUndefined();
      expect(await takeLease(db, agent.id, other, 60_000)).toBeUndefined();

      await updateAgent(db, agent.id, { leaseExpiresAt: new Date(Date.now() - 1000) });
      expect(await takeLease(db, agent.id, other, 60_000)).toBe(0);
      expect(await renewLease(db, agent.id, owner ?? "", 60_000)).toBeUndefined();
    });

    it("are released only by a runner that saw the latest wake-up", async () => {
      const agent = await newAgent((await newSession()).id);
      const seen = await takeLease(db, agent.id, "instance-a", 60_000);
      expect(seen).toBe(0);
      await bumpWakeSeq(db, agent.id);
      await bumpWakeSeq(db, agent.id);
      expect(await releaseLease(db, agent.id, "instance-a", 0)).toEqual({ released: false, wakeSeq: 2 });
      expect(await releaseLease(db, agent.id, "instance-b", 2)).toEqual({
        released: false,
        wakeSeq: undefined,
      });
      expect((await getAgent(db, agent.id))?.leaseOwner).toBe("instance-a");
      expect(await releaseLease(db, agent.id, "instance-a", 2)).toEqual({ released: true });
      expect((await getAgent(db, agent.id))?.leaseOwner).toBeNull();

      expect(await takeLease(db, agent.id, "instance-b", 60_000)).toBe(2);
      await dropLease(db, agent.id, "instance-a");
      expect((await getAgent(db, agent.id))?.leaseOwner).toBe("instance-b");
      await dropLease(db, agent.id, "instance-b");
      expect((await getAgent(db, agent.id))?.leaseExpiresAt).toBeNull();
    });

    it("are all let go by a stopping instance, and only its own", async () => {
      const sessionId = (await newSession()).id;
      const [first, second, foreign] = await Promise.all([
        newAgent(sessionId),
        newAgent(sessionId),
        newAgent(sessionId),
      ]);
      await takeLease(db, first.id, "stopping", 60_000);
      await takeLease(db, second.id, "stopping", 60_000);
      await takeLease(db, foreign.id, "staying", 60_000);
      expect((await releaseLeasesOf(db, "stopping")).sort()).toEqual([first.id, second.id].sort());
      expect(await takeLease(db, first.id, "staying", 60_000)).toBe(0);
      expect((await getAgent(db, second.id))?.leaseOwner).toBeNull();
      expect((await getAgent(db, foreign.id))?.leaseOwner).toBe("staying");
      expect(await releaseLeasesOf(db, "stopping")).toEqual([]);
    });
  });

  describe("steps", () => {
    it("persist once: the second runner gets StepConflictError and writes nothing", async () => {
      const agent = await newAgent((await newSession()).id);
      const outcomes = await Promise.allSettled(
        ["first", "second"].map((text) =>
          persistStep(db, agent.id, 0, { latestProgress: text }, (transaction, row) =>
            appendStepMessage(transaction, row, 0, { role: "user", parts: [{ type: "text", text }] }),
          ),
        ),
      );
      expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
      const rejected = outcomes.find((outcome) => outcome.status === "rejected");
      expect(rejected?.status === "rejected" && rejected.reason).toBeInstanceOf(StepConflictError);
      const stored = await getAgent(db, agent.id);
      const transcript = await loadTranscript(db, agent.id);
      expect(stored?.step).toBe(1);
      expect(transcript).toHaveLength(1);
      expect(transcript[0]?.message.parts).toEqual([{ type: "text", text: stored?.latestProgress }]);
    });

    it("roll back the step when the write fails or its message seq is taken", async () => {
      const agent = await newAgent((await newSession()).id);
      await persistStep(db, agent.id, 0, {}, (transaction, row) =>
        appendStepMessage(transaction, row, 0, hello),
      );
      await expect(
        persistStep(db, agent.id, 1, { status: "running" }, (transaction, row) =>
          appendStepMessage(transaction, row, 0, hello),
        ),
      ).rejects.toBeInstanceOf(StepConflictError);
      await expect(
        persistStep(db, agent.id, 1, { status: "running" }, async () => {
          throw new Error("disk full");
        }),
      ).rejects.toThrow("disk full");
      expect(await getAgent(db, agent.id)).toMatchObject({ step: 1, status: "queued" });
      const { agent: moved, value } = await persistStep(
        db,
        agent.id,
        1,
        { status: "running" },
        async () => 42,
      );
      expect(moved).toMatchObject({ step: 2, status: "running" });
      expect(value).toBe(42);
    });

    it("written in one statement, persist once: one of two runners wins, the other's rows are not written", async () => {
      const session = await newSession();
      const agent = await newAgent(session.id);
      const usage = { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 };
      const outcomes = await Promise.allSettled(
        ["first", "second"].map((text) =>
          writeStep(
            db,
            agent.id,
            0,
            { latestProgress: text, addUsage: { usage, costMicros: 7 } },
            { seq: 0, message: { role: "user", parts: [{ type: "text", text }] } },
            [
              stepUsageRow({ step: 0, provider: "anthropic", model: "m", usage, costMicros: 7 }),
              finishedToolCallRow(
                { toolCallId: `call-${text}`, toolName: "bench", input: { text }, risk: "safe" },
                { status: "finished", output: text, isError: false },
              ),
            ],
          ),
        ),
      );
      expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
      const rejected = outcomes.find((outcome) => outcome.status === "rejected");
      expect(rejected?.status === "rejected" && rejected.reason).toBeInstanceOf(StepConflictError);
      const stored = await getAgent(db, agent.id);
      const winner = stored?.latestProgress ?? "";
      expect(outcomes.find((outcome) => outcome.status === "fulfilled")).toEqual({
        status: "fulfilled",
        value: stored,
      });
      expect(stored).toMatchObject({ step: 1, inputTokens: 10, outputTokens: 5, costMicros: 7, turns: 1 });
      expect((await loadTranscript(db, agent.id)).map((entry) => entry.message.parts)).toEqual([
        [{ type: "text", text: winner }],
      ]);
      expect((await sessionUsageTotals(db, session.id)).turns).toBe(1);
      expect(await getToolCall(db, agent.id, `call-${winner}`)).toMatchObject({
        status: "finished",
        output: winner,
        input: { text: winner },
      });
      const loser = winner === "first" ? "second" : "first";
      expect(await getToolCall(db, agent.id, `call-${loser}`)).toBeUndefined();
    });

    it("written in one statement, roll back the step check when the message seq is taken", async () => {
      const session = await newSession();
      const agent = await newAgent(session.id);
      await writeStep(db, agent.id, 0, {}, { seq: 0, message: hello });
      const usage = { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 };
      await expect(
        writeStep(
          db,
          agent.id,
          1,
          { status: "running", addUsage: { usage, costMicros: 1 } },
          { seq: 0, message: hello },
          [stepUsageRow({ step: 1, provider: "anthropic", model: "m", usage, costMicros: 1 })],
        ),
      ).rejects.toBeInstanceOf(StepConflictError);
      expect(await getAgent(db, agent.id)).toMatchObject({ step: 1, status: "queued", turns: 0 });
      expect((await sessionUsageTotals(db, session.id)).turns).toBe(0);
      await expect(writeStep(db, agent.id, 0, {}, { seq: 1, message: hello })).rejects.toBeInstanceOf(
        StepConflictError,
      );
      expect(await loadTranscript(db, agent.id)).toHaveLength(1);
      expect(
        await writeStep(db, agent.id, 1, { status: "running" }, { seq: 1, message: hello }),
      ).toMatchObject({
        step: 2,
        status: "running",
      });
    });

    it("written in one prepared statement, store each write's own dates, JSON and nulls", async () => {
      const agent = await newAgent((await newSession()).id);
      const finishedAt = new Date("2026-01-02T03:04:05.678Z");
      const done = await writeStep(
        db,
        agent.id,
        0,
        { status: "done", result: { summary: "first" }, finishedAt },
        { seq: 0, message: hello },
      );
      expect(done).toMatchObject({ step: 1, status: "done", result: { summary: "first" }, finishedAt });
      // The same shape of write again: the statement is reused with the new values.
      const reopened = await writeStep(
        db,
        agent.id,
        1,
        { status: "running", result: null, finishedAt: null },
        { seq: 1, message: hello },
      );
      expect(reopened).toMatchObject({ step: 2, status: "running", result: null, finishedAt: null });
      const [stored] = (
        await db.execute<{ missing: boolean }>(
          sql`select result is null and finished_at is null as missing from agents where id = ${agent.id}`,
        )
      ).rows;
      // SQL null, not a JSON `null`: a JSON column mapped as drizzle maps a value would store 'null'.
      expect(stored?.missing).toBe(true);
    });

    it("are planned from one read: the agent, its unread mailbox, the transcript after a seq, the budget", async () => {
      const session = await newSession();
      const agent = await newAgent(session.id);
      const other = await newAgent(session.id);
      expect(await loadStepState(db, randomUUID(), undefined)).toBeUndefined();
      await writeStep(db, agent.id, 0, {}, { seq: 0, message: hello });
      await writeStep(
        db,
        agent.id,
        1,
        { latestProgress: "two" },
        {
          seq: 1,
          message: {
            role: "assistant",
            parts: [{ type: "tool_call", id: "c1", name: "bench", input: { a: [1] } }],
          },
        },
      );
      const read = await enqueueEvent(db, {
        sessionId: session.id,
        targetAgentId: agent.id,
        type: "note",
        payload: { text: "read" },
      });
      await consumeEvents(db, [read.id]);
      for (const text of ["first", "second"]) {
        await enqueueEvent(db, {
          sessionId: session.id,
          targetAgentId: agent.id,
          type: "note",
          payload: { text },
        });
      }
      await enqueueEvent(db, { sessionId: session.id, targetAgentId: other.id, type: "note", payload: {} });

      const whole = await loadStepState(db, agent.id, undefined);
      expect(whole?.agent).toEqual(await getAgent(db, agent.id));
      expect(whole?.events).toEqual(await pendingEventsFor(db, agent.id));
      expect(whole?.events.map((event) => event.payload)).toEqual([{ text: "first" }, { text: "second" }]);
      expect(whole?.events[0]?.createdAt).toBeInstanceOf(Date);
      expect(whole?.transcript).toEqual(await loadTranscript(db, agent.id));
      expect((await loadStepState(db, agent.id, 0))?.transcript.map((entry) => entry.seq)).toEqual([1]);
      expect((await loadStepState(db, agent.id, 1))?.transcript).toEqual([]);
      expect(whole?.budgeted).toBe(false);
      await updateSession(db, session.id, { budgetTokens: 1000 });
      expect((await loadStepState(db, agent.id, 1))?.budgeted).toBe(true);
      await updateSession(db, session.id, { budgetTokens: null, budgetMicros: 5 });
      expect((await loadStepState(db, agent.id, 1))?.budgeted).toBe(true);
    });

    it("reject a malformed stored message in a step's read", async () => {
      const agent = await newAgent((await newSession()).id);
      await db.execute(
        sql`insert into transcript_messages (agent_id, seq, role, parts) values (${agent.id}, 0, 'user', '[{"type":"nope"}]')`,
      );
      await expect(loadStepState(db, agent.id, undefined)).rejects.toThrow("malformed");
    });

    it("change an agent within a step only at that step, and outside a step by moving it", async () => {
      const agent = await newAgent((await newSession()).id);
      expect(await updateAgentAtStep(db, agent.id, 1, { status: "waiting" })).toBeUndefined();
      expect(await updateAgentAtStep(db, agent.id, 0, { status: "waiting" })).toMatchObject({
        step: 0,
        status: "waiting",
      });
      expect(await updateAgent(db, agent.id, { status: "cancelled" })).toMatchObject({
        step: 1,
        status: "cancelled",
      });
      await expect(persistStep(db, agent.id, 0, {}, async () => undefined)).rejects.toBeInstanceOf(
        StepConflictError,
      );
    });
  });

  describe("slots", () => {
    it("respect the global and per-session caps, even when requested concurrently", async () => {
      // Other files' agents do not exist here: each file has its own database.
      await db.execute(sql`update agents set status = 'done' where status in ('running', 'queued')`);
      const first = await newSession();
      const second = await newSession();
      const workers = [
        ...(await Promise.all([1, 2, 3].map(() => newAgent(first.id)))),
        ...(await Promise.all([1, 2, 3].map(() => newAgent(second.id)))),
      ];
      expect(await queuedWorkers(db, 100)).toEqual(
        expect.arrayContaining(workers.map((worker) => worker.id)),
      );
      const limits = { global: 3, perSession: 2 };
      const grant = (worker: (typeof workers)[number], patch = {}) =>
        acquireSlot(db, worker, limits, patch).then((outcome) => outcome.granted);
      const granted = await Promise.all(workers.map((worker) => grant(worker, { startedAt: new Date() })));
      // Concurrent requests never pass a cap; a worker refused while another session's came
      // first (fairness) asks again when woken, as the runtime does.
      for (let round = 0; round < workers.length; round++) {
        for (const [index, worker] of workers.entries()) {
          if (granted.filter((row) => row !== undefined).length >= 3) break;
          if (!granted[index]) granted[index] = await grant(worker, { startedAt: new Date() });
        }
      }
      const running = granted.filter((row) => row !== undefined);
      expect(running).toHaveLength(3);
      for (const session of [first, second]) {
        const inSession = running.filter((row) => row.sessionId === session.id);
        expect(inSession.length).toBeLessThanOrEqual(2);
      }
      expect(running.every((row) => row.status === "running" && row.startedAt instanceof Date)).toBe(true);

      const waiting = workers.find((worker) => !running.some((row) => row.id === worker.id));
      expect(waiting).toBeDefined();
      if (!waiting) return;
      expect(await acquireSlot(db, waiting, limits, {})).toEqual({ granted: undefined, deferred: false });
      // A running worker holding its slot again is not counted against itself.
      const holder = running[0];
      if (!holder) return;
      expect(await grant(holder)).toMatchObject({ id: holder.id, status: "running" });
      await updateAgent(db, holder.id, { status: "done" });
      // Every other queued worker is done now, so the slot is the waiting worker's.
      for (const worker of workers) {
        if (worker.id !== waiting.id && !running.some((row) => row.id === worker.id)) {
          await updateAgent(db, worker.id, { status: "done" });
        }
      }
      const stale = { ...waiting, step: waiting.step + 1 };
      expect((await acquireSlot(db, stale, limits, {})).granted).toBeUndefined();
      const after = await acquireSlot(db, waiting, { global: 3, perSession: 3 }, {});
      expect(after.granted?.status).toBe("running");
      expect(await queuedWorkers(db, 100)).not.toContain(waiting.id);
    });

    it("give a free slot to the session running the fewest workers before older queued ones", async () => {
      await db.execute(sql`update agents set status = 'done' where status in ('running', 'queued')`);
      const busy = await newSession();
      const quiet = await newSession();
      const limits = { global: 2, perSession: 6 };
      const holder = await newAgent(busy.id);
      expect((await acquireSlot(db, holder, limits, {})).granted).toBeDefined();
      const older = await newAgent(busy.id);
      const newer = await newAgent(quiet.id);
      expect(await queuedWorkers(db, 10)).toEqual([newer.id, older.id]);
      expect(await acquireSlot(db, older, limits, {})).toEqual({ granted: undefined, deferred: true });
      expect((await acquireSlot(db, newer, limits, {})).granted?.id).toBe(newer.id);
      expect(await acquireSlot(db, older, limits, {})).toEqual({ granted: undefined, deferred: false });
    });
  });

  describe("sweeps", () => {
    it("find agents without a runner that have something to do", async () => {
      const session = await newSession();
      const queued = await newAgent(session.id);
      const leased = await newAgent(session.id);
      await takeLease(db, leased.id, "instance-a", 60_000);
      const woken = await newAgent(session.id, "supervisor", "idle");
      await enqueueEvent(db, { sessionId: session.id, targetAgentId: woken.id, type: "user-message" });
      const quiet = await newAgent(session.id, "worker", "idle");
      await enqueueEvent(db, { sessionId: session.id, targetAgentId: quiet.id, type: "agent-progress" });
      const read = await newAgent(session.id, "worker", "idle");
      const event = await enqueueEvent(db, { sessionId: session.id, targetAgentId: read.id, type: "brief" });
      await consumeEvents(db, [event.id]);
      const overdue = await newAgent(session.id, "worker", "idle");
      await updateAgent(db, overdue.id, { status: "waiting", deadlineAt: new Date(Date.now() - 1000) });

      const swept = await agentsToSweep(db, 1000);
      expect(swept).toEqual(expect.arrayContaining([queued.id, woken.id, overdue.id]));
      expect(swept).not.toContain(leased.id);
      expect(swept).not.toContain(quiet.id);
      expect(swept).not.toContain(read.id);
    });
  });

  describe("requests the runtime waits on", () => {
    it("find the supervisor, pending requests everywhere, and whether people are involved", async () => {
      const session = await newSession();
      expect(await findSupervisor(db, session.id)).toBeUndefined();
      const supervisor = await newAgent(session.id, "supervisor", "idle");
      const worker = await newAgent(session.id);
      const bystander = await newAgent(session.id);
      expect((await findSupervisor(db, session.id))?.id).toBe(supervisor.id);
      expect(await involvesHumans(db, worker)).toBe(false);

      const { request } = await createRequest(db, {
        sessionId: session.id,
        agentId: worker.id,
        kind: "question",
        toolCallId: "call-1",
        prompt: "Which branch?",
      });
      expect((await listAllPendingRequests(db, 1000)).map((row) => row.id)).toContain(request.id);
      expect(await involvesHumans(db, bystander)).toBe(true);

      expect(await cancelPendingRequests(db, worker.id)).toBe(1);
      expect(await cancelPendingRequests(db, worker.id)).toBe(0);
      expect((await getRequest(db, request.id))?.status).toBe("cancelled");
      expect((await listAllPendingRequests(db, 1000)).map((row) => row.id)).not.toContain(request.id);
      // Asked once: still involves people, the session no longer does.
      expect(await involvesHumans(db, worker)).toBe(true);
      expect(await involvesHumans(db, bystander)).toBe(false);
      // A step reads the same answer with its state.
      expect((await loadStepState(db, worker.id, undefined))?.involvesHumans).toBe(true);
      expect((await loadStepState(db, bystander.id, undefined))?.involvesHumans).toBe(false);
    });

    it("track the session's budget request and a stop until the user writes again", async () => {
      const session = await newSession();
      const supervisor = await newAgent(session.id, "supervisor", "idle");
      expect(await pendingBudgetRequest(db, session.id)).toBeUndefined();
      expect(await stoppedSinceLastUserMessage(db, supervisor)).toBe(false);
      const { request } = await createRequest(db, {
        sessionId: session.id,
        agentId: supervisor.id,
        kind: "budget",
        toolCallId: "budget:3",
        prompt: "Extend?",
        choices: ["extend", "stop"],
      });
      expect((await pendingBudgetRequest(db, session.id))?.id).toBe(request.id);
      await decideRequest(db, request.id, { status: "stopped", decision: "stop", decidedBy: "U1" });
      expect(await pendingBudgetRequest(db, session.id)).toBeUndefined();
      expect(await stoppedSinceLastUserMessage(db, supervisor)).toBe(true);
      // The clock of both backends can repeat a microsecond; the user writes strictly later.
      await new Promise((resolve) => setTimeout(resolve, 5));
      await enqueueEvent(db, { sessionId: session.id, targetAgentId: supervisor.id, type: "user-message" });
      expect(await stoppedSinceLastUserMessage(db, supervisor)).toBe(false);
    });
  });
});
