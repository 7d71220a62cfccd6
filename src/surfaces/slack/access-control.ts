import type { WorkspaceIdentitySource } from "../../adapters/slack/installing-workspace.ts";
import { slackbotUserId } from "../../adapters/slack/slack-message.ts";
import type { UserDirectory } from "../../adapters/slack/user-directory.ts";
import type { UsergroupMembers } from "../../adapters/slack/usergroup-members.ts";
import type { SlackAccessLists } from "../../config/config.ts";
import type { Logger } from "../../logger.ts";

/**
 * What someone is trying to do. Every purpose needs a person (not a bot) from the installing
 * workspace or an allowed team; starting, steering and answering also need the user lists;
 * starting also needs the channel list. Approvals, budgets and stops are then decided by the
 * approval rule (owner or approvers), not here.
 */
export type AccessPurpose = "start" | "steer" | "answer" | "decide" | "view";

type RefusalReason = "foreign_team" | "unverified_team" | "bot" | "user_not_allowed" | "channel_not_allowed";

export interface Actor {
  userId: string;
  /** The user's own workspace as the payload states it (`user_team`, `team`, `user.team_id`). */
  userTeam: string | undefined;
  channel: string | undefined;
  /**
   * True when the payload may come from a channel shared with another organization, or we
   * cannot tell: then a missing team is not taken to be ours.
   */
  mayBeShared: boolean;
}

type AccessDecision = { allowed: true } | { allowed: false; reason: RefusalReason };

/** What a refused person is told: why, without naming who or what is allowed. */
export const refusalNotes: Record<RefusalReason, string> = {
  foreign_team:
    "Threadwork only works for people in the workspace that installed it, so this was ignored. Nothing was started or changed.",
  unverified_team:
    "Threadwork could not confirm which workspace you belong to, so this was ignored. Nothing was started or changed. Please try again later.",
  bot: "Bots and apps cannot start or steer Threadwork sessions. Nothing was started or changed.",
  user_not_allowed:
    "You are not on the list of people who may use Threadwork here, so this was ignored. Nothing was started or changed. An admin of the app can add you.",
  channel_not_allowed:
    "Threadwork is not enabled in this channel, so nothing was started. Try a channel where it is enabled.",
};

const noLists: SlackAccessLists = { teams: [], users: [], usergroups: [], channels: [] };

export class AccessControl {
  private readonly lists: SlackAccessLists;
  private readonly workspace: WorkspaceIdentitySource;
  private readonly groups: UsergroupMembers;
  private readonly users: UserDirectory;
  private readonly logger: Logger;

  constructor(options: {
    lists: SlackAccessLists | undefined;
    workspace: WorkspaceIdentitySource;
    groups: UsergroupMembers;
    users: UserDirectory;
    logger: Logger;
  }) {
    this.lists = options.lists ?? noLists;
    this.workspace = options.workspace;
    this.groups = options.groups;
    this.users = options.users;
    this.logger = options.logger;
  }

  async check(actor: Actor, purpose: AccessPurpose): Promise<AccessDecision> {
    if (actor.userId === slackbotUserId) return { allowed: false, reason: "bot" };
    const profile = await this.users.profileOf(actor.userId);
    if (profile.isBot) return { allowed: false, reason: "bot" };
    const team = await this.teamCheck(actor, profile.teamId, profile.enterpriseId);
    if (team) return { allowed: false, reason: team };
    if (purpose === "start" || purpose === "steer" || purpose === "answer") {
      if (!(await this.isListedUser(actor.userId))) return { allowed: false, reason: "user_not_allowed" };
    }
    if (purpose === "start" && this.lists.channels.length > 0) {
      if (!actor.channel || !this.lists.channels.includes(actor.channel)) {
        return { allowed: false, reason: "channel_not_allowed" };
      }
    }
    return { allowed: true };
  }

  private async teamCheck(
    actor: Actor,
    directoryTeam: string | undefined,
    directoryOrganization: string | undefined,
  ): Promise<RefusalReason | undefined> {
    let home: { teamId: string | undefined; enterpriseId: string | undefined };
    try {
      home = await this.workspace.get();
    } catch (error) {
      this.logger.error({ err: error }, "auth.test failed: cannot tell our workspace, refusing Slack input");
      return "unverified_team";
    }
    const ours = [home.teamId, home.enterpriseId].filter((id) => id !== undefined);
    // In a channel only our workspace shares, only our people can write.
    const team = actor.userTeam ?? directoryTeam ?? (actor.mayBeShared ? undefined : home.teamId);
    if (team === undefined) return "unverified_team";
    if (ours.includes(team) || this.lists.teams.includes(team)) return undefined;
    // Enterprise Grid: a person of another workspace in our (or an allowed) organization, as
    // `users.info` says; payloads alone cannot tell an organization's member from a guest.
    const organization = directoryOrganization;
    if (organization && (ours.includes(organization) || this.lists.teams.includes(organization))) {
      return undefined;
    }
    return "foreign_team";
  }

  private async isListedUser(userId: string): Promise<boolean> {
    const { users, usergroups } = this.lists;
    if (users.length === 0 && usergroups.length === 0) return true;
    if (users.includes(userId)) return true;
    return usergroups.length > 0 && (await this.groups.includesAny(usergroups, userId));
  }
}
