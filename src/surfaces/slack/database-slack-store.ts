import type { Database } from "../../adapters/database/open-database.ts";
import { claimInboundEvent, pruneInboundEvents } from "../../adapters/database/processed-events.ts";
import { feedbackCounts, recordFeedback } from "../../adapters/database/session-feedback.ts";
import {
  findSessionOfSurfaceMessage,
  getSurfaceMessage,
  saveSurfaceMessage,
} from "../../adapters/database/surface-messages.ts";
import {
  listThreadMessages,
  recordThreadHistoryRead,
  recordThreadMessages,
  reviseThreadMessage,
  threadHistoryRead,
} from "../../adapters/database/thread-messages.ts";
import type { SlackStore } from "./slack-store.ts";

/**
 * The Slack surface's store on the database: handled event ids, posted messages, feedback on
 * answers and the messages of served threads survive restarts.
 */
export function createDatabaseSlackStore(db: Database): SlackStore {
  return {
    claimInboundEvent: (source, eventId) => claimInboundEvent(db, source, eventId),
    pruneInboundEvents: (before) => pruneInboundEvents(db, before),
    async getMessage(sessionId, purpose) {
      const row = await getSurfaceMessage(db, sessionId, purpose);
      return row ? { channel: row.channel, ts: row.externalId, contentHash: row.contentHash } : undefined;
    },
    async saveMessage(sessionId, purpose, message) {
      await saveSurfaceMessage(db, {
        sessionId,
        purpose,
        channel: message.channel,
        externalId: message.ts,
        contentHash: message.contentHash,
      });
    },
    findSessionOfMessage: (purpose, channel) => findSessionOfSurfaceMessage(db, purpose, channel),
    recordFeedback: (sessionId, messageTs, userId, value) =>
      recordFeedback(db, { sessionId, messageId: messageTs, userId, value }),
    feedbackCounts: (sessionIds) => feedbackCounts(db, sessionIds),
    recordThreadMessages: (thread, messages) => recordThreadMessages(db, thread, messages),
    reviseThreadMessage: (thread, ts, text) => reviseThreadMessage(db, thread, ts, text),
    threadMessages: (thread) => listThreadMessages(db, thread),
    threadHistoryRead: (thread) => threadHistoryRead(db, thread),
    recordThreadHistoryRead: (thread, complete) => recordThreadHistoryRead(db, thread, complete),
  };
}
