import { z } from "zod";
import type { SlackApi } from "../../adapters/slack/slack-api.ts";
import type { UsergroupMembers } from "../../adapters/slack/usergroup-members.ts";
import { splitAdminIds } from "../../domain/admin-ids.ts";
import type { Logger } from "../../logger.ts";

const userInfoSchema = z.looseObject({
  user: z
    .looseObject({
      team_id: z.string().optional(),
      deleted: z.boolean().optional(),
      is_admin: z.boolean().optional(),
      is_owner: z.boolean().optional(),
      is_primary_owner: z.boolean().optional(),
      enterprise_user: z.looseObject({ teams: z.array(z.string()).optional() }).optional(),
    })
    .optional(),
});

interface AdminOptions {
  api: SlackApi;
  groups: UsergroupMembers;
  adminIds: readonly string[];
  logger: Logger;
}

/**
 * Who administers Threadwork in Slack: the people and user groups named in THREADWORK_ADMINS, and
 * the workspace's own admins and owners (`users.info`, asked afresh each time, so rights taken
 * away end at once). A deactivated account, or a lookup that fails, is not an admin.
 */
export class WorkspaceAdmins {
  private readonly users: string[];
  private readonly usergroups: string[];
  private readonly options: AdminOptions;

  constructor(options: AdminOptions) {
    this.options = options;
    ({ users: this.users, usergroups: this.usergroups } = splitAdminIds(options.adminIds));
  }

  /** With `teamId`, a workspace admin counts only for their own workspace (or their organization's). */
  async isAdmin(userId: string, teamId?: string): Promise<boolean> {
    if (this.users.includes(userId)) return true;
    if (await this.options.groups.includesAny(this.usergroups, userId)) return true;
    try {
      const user = userInfoSchema.parse(await this.options.api.call("users.info", { user: userId })).user;
      if (!user || user.deleted === true) return false;
      const ofThisWorkspace =
        teamId === undefined ||
        user.team_id === teamId ||
        (user.enterprise_user?.teams ?? []).includes(teamId);
      const rights = user.is_admin === true || user.is_owner === true || user.is_primary_owner === true;
      return ofThisWorkspace && rights;
    } catch (error) {
      this.options.logger.warn({ err: error, userId }, "could not read whether a user is a workspace admin");
      return false;
    }
  }

  /** The configured admins, groups expanded: who gets spend alerts. */
  async alertRecipients(): Promise<string[]> {
    const members = await Promise.all(this.usergroups.map((group) => this.options.groups.members(group)));
    return [...new Set([...this.users, ...members.flat()])];
  }
}
