import type { SlackSurfaceContext } from "../surface-context.ts";
import type { ChannelSettingsContext } from "./settings-store.ts";

/** What someone who may not change channel settings is told. */
export const settingsRefusal =
  "Only workspace admins and the admins Threadwork's configuration names may change channel settings. Nothing was changed.";

/**
 * Whether `userId` may change channel settings: a person of this workspace (the access control)
 * who is named in THREADWORK_ADMINS (directly or through a user group) or is a workspace admin
 * or owner as `users.info` says now.
 */
export async function mayChangeSettings(
  context: Pick<SlackSurfaceContext, "access" | "admins">,
  settings: Pick<ChannelSettingsContext, "admins" | "groups">,
  actor: { userId: string; userTeam: string | undefined; channel: string | undefined },
): Promise<boolean> {
  const access = await context.access.check({ ...actor, mayBeShared: true }, "view");
  if (!access.allowed) return false;
  if (settings.admins.includes(actor.userId)) return true;
  const groups = settings.admins.filter((id) => id.startsWith("S"));
  if (groups.length > 0 && (await settings.groups.includesAny(groups, actor.userId))) return true;
  return context.admins.isAdmin(actor.userId);
}
