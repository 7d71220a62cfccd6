import type { TeamScope } from "./team-scope.ts";

/** Where a decision was made, as the audit records it. */
export interface AuditPlace {
  scope: TeamScope;
  channelId: string | undefined;
}

interface SessionKeyed {
  surface: string;
  conversationKey: string;
  metadata: Record<string, unknown>;
}

/**
 * The team and channel of a session. A Slack conversation key is `team:channel:thread`, team
 * first; the org of an Enterprise Grid install is the metadata's `enterpriseId` when the surface
 * kept one. A session of any other surface (the terminal) is a team of its own named after the
 * surface, so its decisions are kept too and never mixed into a workspace's export.
 */
export function auditPlaceOf(session: SessionKeyed): AuditPlace {
  const enterprise = session.metadata.enterpriseId;
  const enterpriseId = typeof enterprise === "string" && enterprise !== "" ? enterprise : undefined;
  if (session.surface !== "slack")
    return { scope: { teamId: session.surface, enterpriseId }, channelId: undefined };
  const [teamId = "", channelId] = session.conversationKey.split(":");
  return { scope: { teamId, enterpriseId }, channelId: channelId || undefined };
}
