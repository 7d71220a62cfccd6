import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { feedbackCounts, recordFeedback } from "../../src/adapters/database/session-feedback.ts";
import { createSession, deleteSession } from "../../src/adapters/database/sessions.ts";
import { createDatabaseSlackStore } from "../../src/surfaces/slack/database-slack-store.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";

describe.each(backends)("feedback on answers on %s", (backend) => {
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function newSession() {
    const { session } = await createSession(handle.db, {
      surface: "slack",
      conversationKey: `T1:C1:${randomUUID()}`,
      ownerId: "U1",
    });
    return session.id;
  }

  it("keeps one rating per person and message, the latest, and counts them per session", async () => {
    const first = await newSession();
    const second = await newSession();
    const quiet = await newSession();
    const store = createDatabaseSlackStore(handle.db);
    await store.recordFeedback(first, "1.000100", "U1", "positive");
    await store.recordFeedback(first, "1.000100", "U2", "negative");
    await store.recordFeedback(first, "1.000100", "U2", "positive");
    await store.recordFeedback(first, "1.000200", "U2", "negative");
    await recordFeedback(handle.db, {
      sessionId: second,
      messageId: "2.000100",
      userId: "U1",
      value: "negative",
    });

    const counts = await store.feedbackCounts([first, second, quiet, first]);
    expect(counts.get(first)).toEqual({ positive: 2, negative: 1 });
    expect(counts.get(second)).toEqual({ positive: 0, negative: 1 });
    expect(counts.has(quiet)).toBe(false);
    expect(await feedbackCounts(handle.db, [])).toEqual(new Map());
  });

  it("goes with its session", async () => {
    const session = await newSession();
    await recordFeedback(handle.db, {
      sessionId: session,
      messageId: "3.000100",
      userId: "U1",
      value: "positive",
    });
    expect(await deleteSession(handle.db, session)).toBe(true);
    expect(await feedbackCounts(handle.db, [session])).toEqual(new Map());
  });
});
