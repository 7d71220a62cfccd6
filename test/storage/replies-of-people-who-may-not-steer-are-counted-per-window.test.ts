import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { countInWindow } from "../../src/adapters/database/reply-windows.ts";
import { replyAllowance } from "../../src/runtime/reply-limits.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";

const minute = 60_000;
const start = new Date("2026-12-07T10:00:00Z");
const at = (offsetMs: number) => ({ now: new Date(start.getTime() + offsetMs), lengthMs: 10 * minute });

describe.each(backends)("reply windows on %s", (backend) => {
  let handle: DatabaseHandle;
  let counter = 0;
  const unique = (prefix: string) => `${prefix}-${++counter}`;

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("counts within a window and starts again once it ended", async () => {
    const key = unique("count");
    expect(await countInWindow(handle.db, key, at(0))).toBe(1);
    expect(await countInWindow(handle.db, key, at(minute))).toBe(2);
    expect(await countInWindow(handle.db, key, at(10 * minute - 1))).toBe(3);
    // The window runs from its first count: the next one starts a new window.
    expect(await countInWindow(handle.db, key, at(10 * minute))).toBe(1);
    expect(await countInWindow(handle.db, key, at(19 * minute))).toBe(2);
    expect(await countInWindow(handle.db, key, at(20 * minute))).toBe(1);
  });

  it("never gives two concurrent counts the same number", async () => {
    const key = unique("concurrent");
    const counts = await Promise.all(Array.from({ length: 20 }, () => countInWindow(handle.db, key, at(0))));
    expect(counts.sort((left, right) => left - right)).toEqual(
      Array.from({ length: 20 }, (_, index) => index + 1),
    );
  });

  it("lets one reply per person and per session start a turn, and tells each held person once", async () => {
    const mallory = unique("U0MALLORY");
    const trudy = unique("U0TRUDY");
    const first = unique("ses");
    const second = unique("ses");
    const reply = (userId: string, sessionId: string, offsetMs = 0, sessionOpen = true) =>
      replyAllowance(handle.db, { surface: "slack", sessionId, userId, sessionOpen }, at(offsetMs));

    expect(await reply(mallory, first)).toEqual({ startsTurn: true, noticeDue: false });
    // The same person again, here or in another session: kept for the next turn; told once.
    expect(await reply(mallory, first)).toEqual({ startsTurn: false, noticeDue: true });
    expect(await reply(mallory, second)).toEqual({ startsTurn: false, noticeDue: false });
    for (let index = 0; index < 10; index += 1) {
      expect(await reply(mallory, first, index * 1000)).toEqual({ startsTurn: false, noticeDue: false });
    }
    // Someone else in the same session: the session's turn is taken.
    expect(await reply(trudy, first)).toEqual({ startsTurn: false, noticeDue: true });
    // Mallory's held replies did not use up the second session's turn.
    expect(await reply(trudy, second, minute)).toEqual({ startsTurn: false, noticeDue: false });
    const carol = unique("U0CAROL");
    expect(await reply(carol, second, minute)).toEqual({ startsTurn: true, noticeDue: false });

    // After the window, one more turn each, and one more notice.
    expect(await reply(mallory, first, 11 * minute)).toEqual({ startsTurn: true, noticeDue: false });
    expect(await reply(mallory, first, 11 * minute)).toEqual({ startsTurn: false, noticeDue: true });
  });

  it("never starts a turn in a stopped session, and without a window limits nothing", async () => {
    const dave = unique("U0DAVE");
    const closed = { surface: "slack", sessionId: unique("ses"), userId: dave, sessionOpen: false };
    expect(await replyAllowance(handle.db, closed, at(0))).toEqual({ startsTurn: false, noticeDue: true });
    expect(await replyAllowance(handle.db, closed, at(0))).toEqual({ startsTurn: false, noticeDue: false });
    const open = { ...closed, sessionOpen: true };
    const noLimit = { now: start, lengthMs: 0 };
    for (let index = 0; index < 3; index += 1) {
      expect(await replyAllowance(handle.db, open, noLimit)).toEqual({ startsTurn: true, noticeDue: false });
    }
  });
});
