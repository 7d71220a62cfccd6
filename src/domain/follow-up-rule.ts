/**
 * Which replies in a session's thread are for Threadwork (THREADWORK_FOLLOW_UP_RULE):
 * - `not-addressed-elsewhere` (default): every reply, except one that @-mentions other people
 *   (or a user group, @here, @channel, @everyone) and not Threadwork;
 * - `all`: every reply, whoever it mentions;
 * - `mentions-only`: only replies that @-mention Threadwork.
 */
export const followUpRules = ["not-addressed-elsewhere", "all", "mentions-only"] as const;
export type FollowUpRule = (typeof followUpRules)[number];

interface ReplyMentions {
  /** The reply @-mentions Threadwork. */
  mentionsBot: boolean;
  /** The reply @-mentions anyone or anything else: a person, a user group, @here, @channel. */
  mentionsOthers: boolean;
}

/**
 * Whether a reply in a thread that has a session is for Threadwork. One that is not starts no
 * turn and shows nothing; the runtime keeps it only as quiet context for the next turn.
 */
export function replyIsForThreadwork(rule: FollowUpRule, reply: ReplyMentions): boolean {
  if (reply.mentionsBot || rule === "all") return true;
  if (rule === "mentions-only") return false;
  return !reply.mentionsOthers;
}
