import { z } from "zod";
import type { SlackSurfaceContext } from "./surface-context.ts";

const adminSchema = z.object({
  user: z.object({
    team_id: z.string().optional(),
    deleted: z.boolean().optional(),
    is_admin: z.boolean().optional(),
    is_owner: z.boolean().optional(),
    is_primary_owner: z.boolean().optional(),
    enterprise_user: z.object({ teams: z.array(z.string()).optional() }).optional(),
  }),
});

/**
 * Whether `userId` administers workspace `teamId`: named in THREADWORK_ADMINS, or an admin or
 * owner of that workspace by `users.info`. Asked each time, never cached, so an admin whose
 * rights were taken away loses them at once; a failed lookup counts as no.
 */
export async function isWorkspaceAdmin(
  context: Pick<SlackSurfaceContext, "api" | "logger" | "admins">,
  userId: string,
  teamId: string,
): Promise<boolean> {
  if (context.admins.includes(userId)) return true;
  try {
    const parsed = adminSchema.safeParse(await context.api.call("users.info", { user: userId }));
    if (!parsed.success) return false;
    const user = parsed.data.user;
    const ofThisWorkspace = user.team_id === teamId || (user.enterprise_user?.teams ?? []).includes(teamId);
    const rights = user.is_admin === true || user.is_owner === true || user.is_primary_owner === true;
    return ofThisWorkspace && rights && user.deleted !== true;
  } catch (error) {
    context.logger.warn(
      { err: error, user: userId },
      "could not look up whether a user is a workspace admin",
    );
    return false;
  }
}
