import { createHash } from "node:crypto";

/** What a watch rule looks for in its channel, and what its sessions are asked to do. */
export interface WatchRuleDefinition {
  channel: string;
  /** Who owns the rule's sessions and approves their risky actions. */
  ownerId: string;
  /** The owner's request, the only words a triggered session reads as the owner's. */
  request: string;
  /** Bot ids (`B…`) or app ids (`A…`) whose messages count; empty means any bot or app. */
  bots: string[];
  /** A case-insensitive glob the message must contain: `*` any characters, `?` one. */
  pattern?: string;
  /** An emoji name (no colons): a `reaction_added` with it on a message in the channel starts a session. */
  reaction?: string;
  /** Sessions at most per rolling hour. */
  hourlyLimit: number;
  /** Identical alert text within this many seconds counts as a repeat of the first. */
  dedupSeconds: number;
}

export interface WatchRule extends WatchRuleDefinition {
  id: string;
  /** `file` rules come from the configuration file; `command` rules from `/threadwork watch`. */
  source: "file" | "command";
  status: "active" | "closed";
  closedReason?: string;
}

export const watchDefaults = { hourlyLimit: 5, dedupSeconds: 600, failureLimit: 3 } as const;

/** The parts of a Slack message a rule reads. */
export interface WatchedMessage {
  botId?: string;
  appId?: string;
  /** Whether a bot or app wrote it (`bot_id`, `app_id` or `subtype: bot_message`). */
  fromBot: boolean;
  text: string;
}

/**
 * Glob match anywhere in `text`, case-insensitive, in time linear in the text's length per
 * pattern position (the two-pointer wildcard algorithm): an operator's pattern cannot stall
 * the listener the way a backtracking regular expression can.
 */
export function globContains(pattern: string, text: string): boolean {
  const wanted = `*${pattern.toLowerCase()}*`;
  const subject = text.toLowerCase();
  let patternIndex = 0;
  let textIndex = 0;
  let starIndex = -1;
  let resumeIndex = 0;
  while (textIndex < subject.length) {
    const token = wanted[patternIndex];
    if (token === "*") {
      starIndex = patternIndex;
      resumeIndex = textIndex;
      patternIndex += 1;
    } else if (token !== undefined && (token === "?" || token === subject[textIndex])) {
      patternIndex += 1;
      textIndex += 1;
    } else if (starIndex >= 0) {
      patternIndex = starIndex + 1;
      resumeIndex += 1;
      textIndex = resumeIndex;
    } else {
      return false;
    }
  }
  while (wanted[patternIndex] === "*") patternIndex += 1;
  return patternIndex === wanted.length;
}

/** Whether a message posted in the rule's channel starts (or repeats) one of its sessions. */
export function messageMatches(rule: WatchRuleDefinition, message: WatchedMessage): boolean {
  if (rule.reaction !== undefined && rule.bots.length === 0 && rule.pattern === undefined) return false;
  if (!message.fromBot) return false;
  if (rule.bots.length > 0) {
    const listed = [message.botId, message.appId].some((id) => id !== undefined && rule.bots.includes(id));
    if (!listed) return false;
  }
  return rule.pattern === undefined || globContains(rule.pattern, message.text);
}

/** Same alert text, same fingerprint; only case and spacing do not count. */
export function alertFingerprint(text: string): string {
  const normalized = text.toLowerCase().replace(/\s+/g, " ").trim();
  return createHash("sha256").update(normalized).digest("hex").slice(0, 32);
}
