import { z } from "zod";
import type { SlackApi } from "./slack-api.ts";

const userSchema = z.object({
  user: z.object({
    name: z.string().optional(),
    real_name: z.string().optional(),
    team_id: z.string().optional(),
    is_bot: z.boolean().optional(),
    /** The user's IANA time zone, e.g. `Europe/Paris`. */
    tz: z.string().optional(),
    /** Enterprise Grid: the organization the user belongs to, whichever of its workspaces is theirs. */
    enterprise_user: z.object({ enterprise_id: z.string().optional() }).optional(),
    profile: z.object({ display_name: z.string().optional(), real_name: z.string().optional() }).optional(),
  }),
});

export interface UserProfile {
  name: string;
  /** The user's own workspace; absent when Slack did not say. */
  teamId: string | undefined;
  /** The user's Enterprise Grid organization; absent outside Grid or when Slack did not say. */
  enterpriseId?: string | undefined;
  isBot: boolean;
  /** False when `users.info` failed: the other fields are guesses. */
  known: boolean;
  /** The user's IANA time zone from their Slack profile, when Slack said. */
  timeZone?: string | undefined;
}

/** How long a failed lookup stands before it is tried again: `users.info` allows about 100 calls a minute. */
export const failedLookupRetryMs = 60_000;

/** Users by id, from `users.info`: found ones for the life of the process, failed ones for a minute. */
export class UserDirectory {
  private readonly profiles = new Map<string, Promise<UserProfile>>();
  /** When each failed lookup failed. */
  private readonly failedAt = new Map<string, number>();
  private readonly api: SlackApi;
  private readonly now: () => number;

  constructor(api: SlackApi, options: { now?: () => number } = {}) {
    this.api = api;
    this.now = options.now ?? Date.now;
  }

  async nameOf(userId: string): Promise<string> {
    return (await this.profileOf(userId)).name;
  }

  profileOf(userId: string): Promise<UserProfile> {
    const failed = this.failedAt.get(userId);
    if (failed !== undefined && this.now() - failed >= failedLookupRetryMs) {
      this.failedAt.delete(userId);
      this.profiles.delete(userId);
    }
    let profile = this.profiles.get(userId);
    if (!profile) {
      profile = this.lookUp(userId);
      this.profiles.set(userId, profile);
    }
    return profile;
  }

  private async lookUp(userId: string): Promise<UserProfile> {
    const unknown = { name: userId, teamId: undefined, isBot: false, known: false };
    try {
      const parsed = userSchema.safeParse(await this.api.call("users.info", { user: userId }));
      if (!parsed.success) return unknown;
      const user = parsed.data.user;
      return {
        name: user.profile?.display_name || user.profile?.real_name || user.real_name || user.name || userId,
        teamId: user.team_id,
        enterpriseId: user.enterprise_user?.enterprise_id,
        isBot: user.is_bot === true,
        known: true,
        timeZone: user.tz,
      };
    } catch {
      // An unknown or deactivated user still has an id worth showing; asked again after a minute.
      this.failedAt.set(userId, this.now());
      return unknown;
    }
  }
}
