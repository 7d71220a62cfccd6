import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeStep } from "../../src/adapters/database/agent-steps.ts";
import { getAgent, insertAgent } from "../../src/adapters/database/agents.ts";
import { consumedEventsRow, enqueueEvent, pendingEventsFor } from "../../src/adapters/database/events.ts";
import type { Database, DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { createSession } from "../../src/adapters/database/sessions.ts";
import { loadTranscript } from "../../src/adapters/database/transcript.ts";
import { StepConflictError } from "../../src/domain/errors.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";

/**
 * A step that turns an agent's unread events into its next message writes the message and marks
 * the events consumed in one statement with its step check: both or neither.
 */
describe.each(backends)("a step reading an agent's events on %s", (backend) => {
  let handle: DatabaseHandle;
  let db: Database;
  beforeAll(async () => {
    handle = await createTestDatabase(backend);
    db = handle.db;
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function agentWithEvents(count: number) {
    const { session } = await createSession(db, {
      surface: "slack",
      conversationKey: `T1:C1:${randomUUID()}`,
      ownerId: "U1",
    });
    const agent = await insertAgent(db, {
      sessionId: session.id,
      role: "worker",
      title: "worker",
      model: "anthropic:claude-haiku-5-5",
      status: "running",
    });
    const events = [];
    for (let index = 0; index < count; index += 1) {
      events.push(
        await enqueueEvent(db, {
          sessionId: session.id,
          targetAgentId: agent.id,
          type: "user-message",
          payload: { text: `message ${index}` },
        }),
      );
    }
    return { agent, events };
  }

  it("writes the message and consumes exactly the events it read", async () => {
    const { agent, events } = await agentWithEvents(3);
    const read = events.slice(0, 2).map((event) => event.id);
    await writeStep(
      db,
      agent.id,
      agent.step,
      {},
      { seq: 0, message: { role: "user", parts: [{ type: "text", text: "two messages" }] } },
      [consumedEventsRow(read)],
    );
    expect((await pendingEventsFor(db, agent.id)).map((event) => event.id)).toEqual([events[2]?.id]);
    expect((await loadTranscript(db, agent.id)).map((entry) => entry.seq)).toEqual([0]);
    expect((await getAgent(db, agent.id))?.step).toBe(agent.step + 1);
  });

  it("consumes nothing when another runner moved the agent", async () => {
    const { agent, events } = await agentWithEvents(2);
    const write = () =>
      writeStep(
        db,
        agent.id,
        agent.step,
        {},
        { seq: 0, message: { role: "user", parts: [{ type: "text", text: "both" }] } },
        [consumedEventsRow(events.map((event) => event.id))],
      );
    await write();
    // The same step again, as a second runner that read the same state would write it.
    await expect(write()).rejects.toBeInstanceOf(StepConflictError);
    const { agent: other, events: unread } = await agentWithEvents(2);
    await expect(
      writeStep(
        db,
        other.id,
        other.step + 1,
        {},
        { seq: 0, message: { role: "user", parts: [{ type: "text", text: "stale" }] } },
        [consumedEventsRow(unread.map((event) => event.id))],
      ),
    ).rejects.toBeInstanceOf(StepConflictError);
    expect(await pendingEventsFor(db, other.id)).toHaveLength(2);
    expect(await loadTranscript(db, other.id)).toEqual([]);
  });
});
