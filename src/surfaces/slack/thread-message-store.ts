import { redactSecrets } from "../../domain/secret-redaction.ts";
import { sameTeam } from "../../domain/team-scope.ts";
import {
  isBefore,
  redactedThreadMessage,
  type ThreadMessage,
  type ThreadPlace,
} from "../../domain/thread-messages.ts";

/**
 * The messages of threads the surface serves, kept with their sessions, and which threads'
 * earlier messages were read from Slack already (at most once per thread).
 */
export interface ThreadMessageStore {
  recordThreadMessages(thread: ThreadPlace, messages: readonly ThreadMessage[]): Promise<void>;
  /** A kept message was edited: its text becomes `text` (redacted); false when it was not kept. */
  reviseThreadMessage(thread: ThreadPlace, ts: string, text: string): Promise<boolean>;
  /** The thread's kept messages, oldest first. */
  threadMessages(thread: ThreadPlace): Promise<ThreadMessage[]>;
  threadHistoryRead(thread: ThreadPlace): Promise<{ complete: boolean } | undefined>;
  recordThreadHistoryRead(thread: ThreadPlace, complete: boolean): Promise<void>;
}

function placeKey(thread: ThreadPlace): string {
  return [thread.teamId, thread.enterpriseId ?? "", thread.channel, thread.threadTs].join("\u0000");
}

/** Kept as long as the process, for tests and the terminal. */
export function createMemoryThreadMessageStore(): ThreadMessageStore {
  const messages = new Map<string, { thread: ThreadPlace; message: ThreadMessage }>();
  const reads = new Map<string, { complete: boolean }>();
  return {
    async recordThreadMessages(thread, received) {
      for (const message of received) {
        const key = [thread.teamId, thread.channel, message.ts].join("\u0000");
        const kept = messages.get(key);
        if (kept) {
          if (!kept.message.sessionId && message.sessionId) kept.message.sessionId = message.sessionId;
          continue;
        }
        messages.set(key, { thread, message: redactedThreadMessage(message) });
      }
    },
    async reviseThreadMessage(thread, ts, text) {
      const kept = messages.get([thread.teamId, thread.channel, ts].join("\u0000"));
      if (!kept || !sameTeam(kept.thread, thread) || kept.thread.threadTs !== thread.threadTs) return false;
      kept.message.text = redactSecrets(text);
      return true;
    },
    async threadMessages(thread) {
      return [...messages.values()]
        .filter(
          (kept) =>
            sameTeam(kept.thread, thread) &&
            kept.thread.channel === thread.channel &&
            kept.thread.threadTs === thread.threadTs,
        )
        .map((kept) => ({ ...kept.message }))
        .sort((left, right) => (isBefore(left.ts, right.ts) ? -1 : 1));
    },
    async threadHistoryRead(thread) {
      return reads.get(placeKey(thread));
    },
    async recordThreadHistoryRead(thread, complete) {
      const key = placeKey(thread);
      if (!reads.has(key)) reads.set(key, { complete });
    },
  };
}
