/** A message the surface posted for a session and purpose (`board`, `request:<id>`, `reply:<turn>`). */
export interface StoredSlackMessage {
  channel: string;
  ts: string;
  contentHash: string | null;
}

/**
 * What the Slack surface persists: inbound event ids it has handled, and the messages it
 * posted, so Slack's retries and a restart never double anything.
 */
export interface SlackStore {
  /** True only the first time `source`/`eventId` is claimed. */
  claimInboundEvent(source: string, eventId: string): Promise<boolean>;
  getMessage(sessionId: string, purpose: string): Promise<StoredSlackMessage | undefined>;
  saveMessage(sessionId: string, purpose: string, message: StoredSlackMessage): Promise<void>;
  /** The session whose message for `purpose` is in `channel` (a code channel's session). */
  findSessionOfMessage?(purpose: string, channel: string): Promise<string | undefined>;
  /** Forgets inbound event ids received before `before`; Slack retries within minutes. */
  pruneInboundEvents?(before: Date): Promise<number>;
}

/** A store that lives as long as the process, for tests and the terminal. */
export function createMemorySlackStore(): SlackStore {
  const claimed = new Set<string>();
  const messages = new Map<string, StoredSlackMessage>();
  return {
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
  };
}
