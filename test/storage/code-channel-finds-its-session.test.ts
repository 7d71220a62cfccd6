import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { createSession } from "../../src/adapters/database/sessions.ts";
import {
  readCodeChannel,
  saveCodeChannel,
  sessionOfCodeChannel,
} from "../../src/surfaces/slack/code-channels/code-channel-records.ts";
import { createDatabaseSlackStore } from "../../src/surfaces/slack/database-slack-store.ts";
import { createMemorySlackStore } from "../../src/surfaces/slack/slack-store.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";

describe.each(backends)("a code channel's record on %s", (backend) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("finds the session of a code channel after a restart, and keeps the channel's round and state", async () => {
    const { session } = await createSession(handle.db, {
      surface: "slack",
      conversationKey: "T1:C1:1700000000.000100",
      ownerId: "U1",
    });
    const store = createDatabaseSlackStore(handle.db);
    await saveCodeChannel(store, session.id, {
      channel: "C0CODE1",
      round: 1,
      archived: false,
      originTs: "1700000000.000100",
    });
    // A new store on the same database: what a restarted process sees.
    const restarted = createDatabaseSlackStore(handle.db);
    expect(await sessionOfCodeChannel(restarted, "C0CODE1")).toBe(session.id);
    expect(await sessionOfCodeChannel(restarted, "C0OTHER")).toBeUndefined();
    expect(await readCodeChannel(restarted, session.id)).toEqual({
      channel: "C0CODE1",
      round: 1,
      archived: false,
    });
    await saveCodeChannel(restarted, session.id, {
      channel: "C0CODE1",
      round: 1,
      archived: true,
      originTs: "1700000000.000100",
    });
    expect(await readCodeChannel(store, session.id)).toEqual({
      channel: "C0CODE1",
      round: 1,
      archived: true,
    });
  });
});

describe("a code channel's record in memory", () => {
  it("finds the session of a channel as the database store does", async () => {
    const store = createMemorySlackStore();
    await saveCodeChannel(store, "session_1", {
      channel: "C0CODE1",
      round: 2,
      archived: false,
      originTs: "1.0",
    });
    expect(await sessionOfCodeChannel(store, "C0CODE1")).toBe("session_1");
    expect(await readCodeChannel(store, "session_1")).toEqual({
      channel: "C0CODE1",
      round: 2,
      archived: false,
    });
    expect(await readCodeChannel(store, "session_2")).toBeUndefined();
  });
});
