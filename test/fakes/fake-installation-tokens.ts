import type { BotCredentials, InstallationTokens } from "../../src/adapters/slack/installation-tokens.ts";
import type { TeamScope } from "../../src/domain/team-scope.ts";

/**
 * Installations in memory: a workspace's credentials by team, an org-wide install's by
 * organization. It answers as the Postgres store does: a team's own install first, then its
 * organization's, and nothing once removed.
 */
export class FakeInstallationTokens implements InstallationTokens {
  private readonly byTeam = new Map<string, BotCredentials>();
  private readonly byOrganization = new Map<string, BotCredentials>();
  /** Every scope asked for, in order. */
  readonly asked: TeamScope[] = [];

  install(credentials: BotCredentials, options: { orgWide?: boolean } = {}): void {
    const { scope } = credentials;
    if (options.orgWide && scope.enterpriseId) this.byOrganization.set(scope.enterpriseId, credentials);
    else this.byTeam.set(scope.teamId, credentials);
  }

  async botFor(scope: TeamScope): Promise<BotCredentials | undefined> {
    this.asked.push(scope);
    const own = this.byTeam.get(scope.teamId);
    if (own && (own.scope.enterpriseId ?? null) === (scope.enterpriseId ?? own.scope.enterpriseId ?? null)) {
      return own;
    }
    return scope.enterpriseId ? this.byOrganization.get(scope.enterpriseId) : undefined;
  }

  async remove(scope: TeamScope): Promise<void> {
    if (this.byTeam.delete(scope.teamId)) return;
    if (scope.enterpriseId) this.byOrganization.delete(scope.enterpriseId);
  }
}
