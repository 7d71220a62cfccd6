import type { SessionActivity } from "./session-activity.ts";

/**
 * A session is `active` until a person stops all of its work (`closed`); the next message
 * makes it `active` again.
 */
const sessionStatuses = ["active", "closed"] as const;
export type SessionStatus = (typeof sessionStatuses)[number];

/** One conversation as surfaces see it: where it comes from, who owns it, what it cost. */
export interface SessionSnapshot {
  id: string;
  surface: string;
  conversationKey: string;
  ownerId: string;
  title: string;
  status: string;
  metadata: Record<string, unknown>;
  costMicros: number;
  /** False when some of the session's usage came from a model with no price. Absent: not known here. */
  priced?: boolean;
  /** Where its work stands, from its agents and requests; absent where not looked up. */
  activity?: SessionActivity;
  createdAt: Date;
  updatedAt: Date;
}
