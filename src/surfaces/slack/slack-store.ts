import type { FeedbackCounts, FeedbackValue } from "../../domain/feedback.ts";
import { createMemoryThreadMessageStore, type ThreadMessageStore } from "./thread-message-store.ts";

/** A message the surface posted for a session and purpose (`board`, `request:<id>`, `reply:<turn>`). */
export interface StoredSlackMessage {
  channel: string;
  ts: string;
  contentHash: string | null;
}

/**
 * What the Slack surface persists: inbound event ids it has handled, and the messages it
 * posted, so Slack's retries and a restart never double anything; and the messages of the
 * threads it serves, so a session's context never depends on reading the thread again.
 */
export interface SlackStore extends ThreadMessageStore {
  /** True only the first time `source`/`eventId` is claimed. */
  claimInboundEvent(source: string, eventId: string): Promise<boolean>;
  getMessage(sessionId: string, purpose: string): Promise<StoredSlackMessage | undefined>;
  saveMessage(sessionId: string, purpose: string, message: StoredSlackMessage): Promise<void>;
  /** The session whose message for `purpose` is in `channel` (a code channel's session). */
  findSessionOfMessage?(purpose: string, channel: string): Promise<string | undefined>;
  /** Forgets inbound event ids received before `before`; Slack retries within minutes. */
  pruneInboundEvents?(before: Date): Promise<number>;
  /** A person rated an answer with the feedback buttons; their later click replaces it. */
  recordFeedback(sessionId: string, messageTs: string, userId: string, value: FeedbackValue): Promise<void>;
  /** Ratings per session; sessions without any are absent. */
  feedbackCounts(sessionIds: readonly string[]): Promise<Map<string, FeedbackCounts>>;
}

/** A store that lives as long as the process, for tests and the terminal. */
export function createMemorySlackStore(): SlackStore {
  const claimed = new Set<string>();
  const messages = new Map<string, StoredSlackMessage>();
  const ratings = new Map<string, { sessionId: string; value: FeedbackValue }>();
  return {
    ...createMemoryThreadMessageStore(),
    async claimInboundEvent(source, eventId) {
      const key = `${source}\u0000${eventId}`;
      if (claimed.has(key)) return false;
      claimed.add(key);
      return true;
    },
    async getMessage(sessionId, purpose) {
      return messages.get(`${sessionId}\u0000${purpose}`);
    },
    async saveMessage(sessionId, purpose, message) {
      messages.set(`${sessionId}\u0000${purpose}`, { ...message });
    },
    async findSessionOfMessage(purpose, channel) {
      for (const [key, message] of messages) {
        const [sessionId, messagePurpose] = key.split("\u0000");
        if (messagePurpose === purpose && message.channel === channel) return sessionId;
      }
      return undefined;
    },
    async recordFeedback(sessionId, messageTs, userId, value) {
      ratings.set(`${sessionId}\u0000${messageTs}\u0000${userId}`, { sessionId, value });
    },
    async feedbackCounts(sessionIds) {
      const counts = new Map<string, FeedbackCounts>();
      for (const { sessionId, value } of ratings.values()) {
        if (!sessionIds.includes(sessionId)) continue;
        const count = counts.get(sessionId) ?? { positive: 0, negative: 0 };
        count[value] += 1;
        counts.set(sessionId, count);
      }
      return counts;
    },
  };
}
