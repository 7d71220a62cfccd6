import type { SlackStore } from "../slack-store.ts";

/**
 * A session's code channel as the store keeps it, so a restarted process finds the
 * channel of a session, and the session of a channel a command comes from. `round` counts
 * the channels a session had: one archived at the end of its work, a new one if work resumes.
 */
interface CodeChannelRecord {
  channel: string;
  round: number;
  archived: boolean;
}

const codeChannelPurpose = "code-channel";

/** Stored as the record's hash, e.g. `open:1` or `archived:2`. */
const statePattern = /^(open|archived):(\d+)$/;

export async function readCodeChannel(
  store: SlackStore,
  sessionId: string,
): Promise<CodeChannelRecord | undefined> {
  const stored = await store.getMessage(sessionId, codeChannelPurpose);
  const match = stored?.contentHash ? statePattern.exec(stored.contentHash) : null;
  if (!stored || !match) return undefined;
  return { channel: stored.channel, round: Number(match[2]), archived: match[1] === "archived" };
}

export async function saveCodeChannel(
  store: SlackStore,
  sessionId: string,
  record: CodeChannelRecord & { originTs: string },
): Promise<void> {
  await store.saveMessage(sessionId, codeChannelPurpose, {
    channel: record.channel,
    ts: record.originTs,
    contentHash: `${record.archived ? "archived" : "open"}:${record.round}`,
  });
}

export async function sessionOfCodeChannel(store: SlackStore, channel: string): Promise<string | undefined> {
  return store.findSessionOfMessage?.(codeChannelPurpose, channel);
}
