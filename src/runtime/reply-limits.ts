import type { Database } from "../adapters/database/open-database.ts";
import { countInWindow } from "../adapters/database/reply-windows.ts";

/** The mailbox event of a reply that waits for the next turn instead of starting one. */
export const heldReplyEventType = "held-reply";

/** A reply addressed to someone else in the thread: quiet context for the next turn, never a turn. */
export const asideEventType = "thread-aside";

/** What a thread reply from someone who may not steer the session may cost now. */
interface ReplyAllowance {
  /** It starts a supervisor turn; otherwise it waits in the mailbox and is read with the next one. */
  startsTurn: boolean;
  /** It waits, and it is the person's first reply to wait in this window: tell them, once. */
  noticeDue: boolean;
}

/**
 * Anyone in a channel can reply in a session's thread, and each turn is billed to the owner's
 * session. So a reply from someone else starts a turn only when it is the first of that person
 * (across sessions) and of that session (across people) in the window; the rest are kept and
 * ride along with the next turn that happens anyway. A stopped session is never reopened by
 * them. The counts live in the database, so instances sharing it agree.
 */
export async function replyAllowance(
  db: Database,
  reply: { surface: string; sessionId: string; userId: string; sessionOpen: boolean },
  window: { now: Date; lengthMs: number },
): Promise<ReplyAllowance> {
  if (reply.sessionOpen && window.lengthMs <= 0) return { startsTurn: true, noticeDue: false };
  if (reply.sessionOpen) {
    const byPerson = await countInWindow(db, `person:${reply.surface}:${reply.userId}`, window);
    // A person past their own limit does not use up the session's turn for the others.
    if (byPerson === 1 && (await countInWindow(db, `session:${reply.sessionId}`, window)) === 1) {
      return { startsTurn: true, noticeDue: false };
    }
  }
  const notices = await countInWindow(db, `notice:${reply.surface}:${reply.userId}`, {
    now: window.now,
    lengthMs: Math.max(window.lengthMs, 60_000),
  });
  return { startsTurn: false, noticeDue: notices === 1 };
}
