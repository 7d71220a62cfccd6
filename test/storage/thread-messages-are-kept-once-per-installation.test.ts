import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import type { ThreadMessage, ThreadPlace } from "../../src/domain/thread-messages.ts";
import { createDatabaseSlackStore } from "../../src/surfaces/slack/database-slack-store.ts";
import {
  createMemoryThreadMessageStore,
  type ThreadMessageStore,
} from "../../src/surfaces/slack/thread-message-store.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";

const secret = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";

function message(ts: string, text: string, extra: Partial<ThreadMessage> = {}): ThreadMessage {
  return { ts, userId: "U1", author: "alice", bot: false, text, files: [], source: "event", ...extra };
}

const kinds = ["memory", ...backends] as const;

describe.each(kinds)("thread messages kept with the session on %s", (kind) => {
  let handle: DatabaseHandle | undefined;
  let store: ThreadMessageStore;

  beforeAll(async () => {
    if (kind === "memory") {
      store = createMemoryThreadMessageStore();
      return;
    }
    handle = await createTestDatabase(kind);
    store = createDatabaseSlackStore(handle.db);
  });
  afterAll(async () => {
    await handle?.close();
  });

  const thread = (teamId: string, threadTs: string, enterpriseId?: string): ThreadPlace => ({
    teamId,
    enterpriseId,
    channel: "C1",
    threadTs,
  });

  it("keeps a redelivered message once, in ts order, and fills in its session", async () => {
    const place = thread("T1", "10.000100");
    await store.recordThreadMessages(place, [message("10.000900", "third"), message("10.000100", "first")]);
    await store.recordThreadMessages(place, [message("10.000200", "second", { source: "history" })]);
    await store.recordThreadMessages(place, [message("10.000900", "third again", { sessionId: "ses_1" })]);
    const kept = await store.threadMessages(place);
    expect(kept.map((item) => item.text)).toEqual(["first", "second", "third"]);
    expect(kept.map((item) => item.source)).toEqual(["event", "history", "event"]);
    expect(kept[2]?.sessionId).toBe("ses_1");
  });

  it("orders timestamps as numbers, not as text", async () => {
    const place = thread("T1", "8.000100");
    await store.recordThreadMessages(place, [message("10.000500", "later"), message("9.000200", "earlier")]);
    expect((await store.threadMessages(place)).map((item) => item.text)).toEqual(["earlier", "later"]);
  });

  it("stores text and file names redacted", async () => {
    const place = thread("T1", "11.000100");
    await store.recordThreadMessages(place, [
      message("11.000200", `the token is ${secret}`, { files: [{ id: "F1", name: `${secret}.txt` }] }),
    ]);
    const [kept] = await store.threadMessages(place);
    expect(JSON.stringify(kept)).not.toContain(secret);
    expect(kept?.text).toContain("the token is");
    expect(kept?.files[0]?.id).toBe("F1");
  });

  it("keeps one installation's thread from another's", async () => {
    await store.recordThreadMessages(thread("T2", "12.000100"), [message("12.000200", "team two")]);
    await store.recordThreadMessages(thread("T3", "12.000100", "E1"), [message("12.000300", "team three")]);
    expect((await store.threadMessages(thread("T2", "12.000100"))).map((item) => item.text)).toEqual([
      "team two",
    ]);
    expect(await store.threadMessages(thread("T3", "12.000100"))).toEqual([]);
    expect((await store.threadMessages(thread("T3", "12.000100", "E1"))).map((item) => item.text)).toEqual([
      "team three",
    ]);
  });

  it("revises a kept message's text, redacted, and only in its own thread and installation", async () => {
    const place = thread("T1", "14.000100");
    await store.recordThreadMessages(place, [message("14.000200", "first draft")]);
    expect(await store.reviseThreadMessage(place, "14.000200", `second draft ${secret}`)).toBe(true);
    expect(await store.reviseThreadMessage(thread("T2", "14.000100"), "14.000200", "elsewhere")).toBe(false);
    expect(await store.reviseThreadMessage(place, "14.000300", "never kept")).toBe(false);
    const kept = await store.threadMessages(place);
    expect(kept.map((item) => item.ts)).toEqual(["14.000200"]);
    expect(kept[0]?.text).toContain("second draft");
    expect(kept[0]?.text).not.toContain(secret);
  });

  it("records a thread's history as read once, the first record standing", async () => {
    const place = thread("T1", "13.000100");
    expect(await store.threadHistoryRead(place)).toBeUndefined();
    await store.recordThreadHistoryRead(place, false);
    await store.recordThreadHistoryRead(place, true);
    expect(await store.threadHistoryRead(place)).toEqual({ complete: false });
    expect(await store.threadHistoryRead(thread("T9", "13.000100"))).toBeUndefined();
  });
});
