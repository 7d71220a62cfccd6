import { redactSecrets } from "./secret-redaction.ts";
import type { TeamScope } from "./team-scope.ts";

/** A thread on a surface, in the installation it belongs to. */
export interface ThreadPlace extends TeamScope {
  channel: string;
  threadTs: string;
}

/**
 * One message of a thread Threadwork serves, as kept with its session: received as an event,
 * or read once from the thread's history. Text and file names are stored redacted.
 */
export interface ThreadMessage {
  ts: string;
  /** The person who wrote it; absent for bots and apps. */
  userId?: string;
  /** Their display name, or the bot's label (`Threadwork`, `another app named …`). */
  author: string;
  bot: boolean;
  text: string;
  files: { id: string; name: string }[];
  /** `event` (the app received it) or `history` (read with the thread's earlier messages). */
  source: "event" | "history";
  /** The session serving the thread, when there is one yet. */
  sessionId?: string;
}

/** A message as it may be stored: secrets in its text and file names redacted. */
export function redactedThreadMessage(message: ThreadMessage): ThreadMessage {
  return {
    ...message,
    text: redactSecrets(message.text),
    files: message.files.map((file) => ({ id: file.id, name: redactSecrets(file.name) })),
  };
}

/** Whether `ts` comes before `other` (Slack timestamps compare as numbers, seconds.micro). */
export function isBefore(ts: string, other: string): boolean {
  return Number.parseFloat(ts) < Number.parseFloat(other);
}
