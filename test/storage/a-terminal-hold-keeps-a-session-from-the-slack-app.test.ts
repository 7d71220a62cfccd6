import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentsToSweep } from "../../src/adapters/database/agent-sweeps.ts";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { listAllPendingRequests } from "../../src/adapters/database/requests.ts";
import { agentInScope } from "../../src/adapters/database/session-scope.ts";
import { getSession } from "../../src/adapters/database/sessions.ts";
import { holdSession, releaseSession } from "../../src/adapters/database/terminal-holds.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";
import { seedWaitingSession } from "../helpers/waiting-sessions.ts";

const slackApp = { surface: "slack" };

describe.each(backends)("a terminal's hold on a Slack session, on %s", (backend) => {
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("keeps the session's agents and requests from the Slack app until released or lapsed, and from a second terminal", async () => {
    const { db } = handle;
    const held = await seedWaitingSession(db, { surface: "slack", conversationKey: "T1:C1:1.1" }, "HELD");
    const other = await seedWaitingSession(db, { surface: "slack", conversationKey: "T1:C1:2.2" }, "OTHER");
    const chat = { surface: "slack", conversationKey: "T1:C1:1.1" };
    const hold = { host: "laptop", user: "alice", holder: "chat-1" };

    expect(await holdSession(db, held.sessionId, hold, 60)).toBe(true);
    expect(await agentsToSweep(db, 50, slackApp)).toEqual([other.supervisorId]);
    expect(await agentInScope(db, held.supervisorId, slackApp)).toBe(false);
    expect((await listAllPendingRequests(db, 50, slackApp)).map((row) => row.id)).toEqual([other.requestId]);
    // The chat itself serves the held conversation.
    expect(await agentsToSweep(db, 50, chat)).toEqual([held.supervisorId]);
    expect(await agentInScope(db, held.supervisorId, chat)).toBe(true);
    // Its own renewal is taken; another terminal's hold is not; nor is the Slack metadata lost.
    expect(await holdSession(db, held.sessionId, hold, 60)).toBe(true);
    expect(await holdSession(db, held.sessionId, { ...hold, holder: "chat-2" }, 60)).toBe(false);
    expect((await getSession(db, held.sessionId))?.metadata).toMatchObject({
      terminalHold: { host: "laptop", user: "alice", holder: "chat-1" },
    });
    // Another chat's release leaves the hold in place; the holder's own ends it.
    await releaseSession(db, held.sessionId, "chat-2");
    expect(await agentInScope(db, held.supervisorId, slackApp)).toBe(false);
    await releaseSession(db, held.sessionId, "chat-1");
    expect(await agentInScope(db, held.supervisorId, slackApp)).toBe(true);
    expect((await getSession(db, held.sessionId))?.metadata).not.toHaveProperty("terminalHold");

    // A chat that died: its hold lapses and the Slack app runs the session again.
    await holdSession(db, held.sessionId, { ...hold, holder: "chat-3" }, 60);
    await db.execute(
      sql`update sessions set metadata = jsonb_set(metadata, '{terminalHold,until}', to_jsonb((now() - interval '1 second')::text)) where id = ${held.sessionId}`,
    );
    expect(await agentInScope(db, held.supervisorId, slackApp)).toBe(true);
    expect(await holdSession(db, held.sessionId, { ...hold, holder: "chat-4" }, 60)).toBe(true);
  });
});
