import type { AgentRow } from "../adapters/database/agents.ts";
import { findSupervisor } from "../adapters/database/agents.ts";
import { consumeEvents, enqueueEvent, pendingEventsFor } from "../adapters/database/events.ts";
import type { RuntimeKernel } from "./kernel.ts";

/** A person's words in a worker's own mailbox: read at its next step boundary, kept verbatim. */
export const steerEventType = "steer";
/** What the supervisor is told of it: quiet, read with its next turn. */
export const steerNoteEventType = "steer-note";
/** A steer for a worker that had already ended, handed to the supervisor instead: it wakes it. */
export const steerRedirectedEventType = "steer-redirected";

/**
 * Hands the steers a worker ended without reading (it finished in the turn that was running
 * when the words arrived) to its supervisor, so nobody's words wait in a mailbox nobody reads.
 * Each event moves once, whoever calls this first: the worker's end or the steer that raced it.
 * Returns the supervisor's id when anything moved.
 */
export async function redirectUnreadSteers(
  kernel: Pick<RuntimeKernel, "db">,
  worker: AgentRow,
): Promise<string | undefined> {
  const unread = (await pendingEventsFor(kernel.db, worker.id)).filter(
    (event) => event.type === steerEventType,
  );
  if (unread.length === 0) return undefined;
  return kernel.db.transaction(async (db) => {
    const supervisorId = worker.parentId ?? (await findSupervisor(db, worker.sessionId))?.id;
    if (!supervisorId) return undefined;
    let moved = 0;
    for (const event of unread) {
      if ((await consumeEvents(db, [event.id])) === 0) continue;
      await enqueueEvent(db, {
        sessionId: worker.sessionId,
        targetAgentId: supervisorId,
        type: steerRedirectedEventType,
        payload: { ...event.payload, status: worker.status },
      });
      moved += 1;
    }
    return moved > 0 ? supervisorId : undefined;
  });
}
