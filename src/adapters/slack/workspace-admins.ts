import { z } from "zod";
import type { SlackApi } from "./slack-api.ts";

const adminSchema = z.looseObject({
  user: z.looseObject({ is_admin: z.boolean().optional(), is_owner: z.boolean().optional() }),
});

/**
 * Whether Slack says `userId` is an admin or owner of their workspace, asked afresh each time
 * (an admin removed a minute ago is no longer one). Any failure counts as no.
 */
export async function isWorkspaceAdmin(api: SlackApi, userId: string): Promise<boolean> {
  try {
    const parsed = adminSchema.safeParse(await api.call("users.info", { user: userId }));
    return parsed.success && (parsed.data.user.is_admin === true || parsed.data.user.is_owner === true);
  } catch {
    return false;
  }
}
