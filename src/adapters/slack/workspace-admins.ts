import { z } from "zod";
import type { SlackApi } from "./slack-api.ts";

const adminSchema = z.looseObject({
  user: z.looseObject({
    deleted: z.boolean().optional(),
    is_admin: z.boolean().optional(),
    is_owner: z.boolean().optional(),
    is_primary_owner: z.boolean().optional(),
  }),
});

/**
 * Whether Slack says `userId` is an admin or owner of their workspace, asked afresh each time
 * (an admin removed a minute ago is no longer one). A deactivated account, or any failure, is no.
 */
export async function isWorkspaceAdmin(api: SlackApi, userId: string): Promise<boolean> {
  try {
    const parsed = adminSchema.safeParse(await api.call("users.info", { user: userId }));
    if (!parsed.success || parsed.data.user.deleted === true) return false;
    const { is_admin, is_owner, is_primary_owner } = parsed.data.user;
    return is_admin === true || is_owner === true || is_primary_owner === true;
  } catch {
    return false;
  }
}
