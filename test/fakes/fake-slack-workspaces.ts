/** One more workspace the fake Slack serves: its bot token acts in this team only. */
export interface FakeWorkspace {
  teamId: string;
  botToken: string;
  botUserId: string;
  botId: string;
  enterpriseId?: string | undefined;
}

/** Methods whose `user`/`user_id` must be a member of the calling team, as Slack checks. */
const userScopedMethods = new Set(["views.publish", "chat.postEphemeral"]);

/**
 * The fake's workspaces beyond its own: which team a bot token acts in, and which team each
 * channel belongs to. A token used on another team's channel gets `channel_not_found`, and on
 * another team's person `user_not_found`, as real Slack answers.
 */
export class FakeWorkspaces {
  private readonly byToken = new Map<string, FakeWorkspace>();
  private readonly channelTeams = new Map<string, string>();
  private readonly userTeams = new Map<string, string>();

  add(workspace: FakeWorkspace, channels: string[] = []): void {
    this.byToken.set(workspace.botToken, workspace);
    for (const channel of channels) this.channelTeams.set(channel, workspace.teamId);
  }

  /** `channel` belongs to `teamId`: other teams' tokens cannot see it. */
  addChannel(channel: string, teamId: string): void {
    this.channelTeams.set(channel, teamId);
  }

  /** `userId` belongs to `teamId`: other teams' tokens cannot address them. */
  addMember(userId: string, teamId: string): void {
    this.userTeams.set(userId, teamId);
  }

  /** The workspace a `Bearer` authorization header names, if it is one of these. */
  byAuthorization(authorization: string | undefined): FakeWorkspace | undefined {
    if (!authorization?.startsWith("Bearer ")) return undefined;
    return this.byToken.get(authorization.slice("Bearer ".length));
  }

  /** Slack's refusal when a token of `teamId` reaches past its own team. */
  refusal(teamId: string, method: string, params: Record<string, unknown>): string | undefined {
    const channel = params.channel ?? params.channel_id;
    if (typeof channel === "string") {
      const owner = this.channelTeams.get(channel);
      if (owner !== undefined && owner !== teamId) return "channel_not_found";
    }
    const user = params.user_id ?? params.user;
    if (userScopedMethods.has(method) && typeof user === "string") {
      const owner = this.userTeams.get(user);
      if (owner !== undefined && owner !== teamId) return "user_not_found";
    }
    return undefined;
  }
}
