import { z } from "zod";
import type { Logger } from "../../logger.ts";
import type { SlackApi } from "./slack-api.ts";

const membersSchema = z.looseObject({ users: z.array(z.string()).default([]) });

/** How long a group's member list is trusted before asking Slack again. */
export const usergroupCacheMilliseconds = 60_000;

/**
 * Members of Slack user groups, from `usergroups.users.list`, cached briefly. A group Slack
 * will not list (missing scope, unknown group, Slack down) counts as empty: access fails closed.
 */
export class UsergroupMembers {
  private readonly cache = new Map<string, { members: Promise<Set<string>>; fetchedAt: number }>();
  private readonly api: SlackApi;
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(options: { api: SlackApi; logger: Logger; now?: () => number }) {
    this.api = options.api;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
  }

  async includesAny(groupIds: readonly string[], userId: string): Promise<boolean> {
    for (const groupId of groupIds) {
      if ((await this.membersOf(groupId)).has(userId)) return true;
    }
    return false;
  }

  /** A group's members; empty when Slack will not list them. */
  async members(groupId: string): Promise<string[]> {
    return [...(await this.membersOf(groupId))];
  }

  private membersOf(groupId: string): Promise<Set<string>> {
    const cached = this.cache.get(groupId);
    if (cached && this.now() - cached.fetchedAt < usergroupCacheMilliseconds) return cached.members;
    const members = this.fetch(groupId);
    this.cache.set(groupId, { members, fetchedAt: this.now() });
    return members;
  }

  private async fetch(groupId: string): Promise<Set<string>> {
    try {
      const response = await this.api.call("usergroups.users.list", { usergroup: groupId });
      return new Set(membersSchema.parse(response).users);
    } catch (error) {
      this.cache.delete(groupId);
      this.logger.warn(
        { err: error, usergroup: groupId },
        "could not list a user group's members; its members are refused until it can be read",
      );
      return new Set();
    }
  }
}
