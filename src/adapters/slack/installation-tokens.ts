import type { TeamScope } from "../../domain/team-scope.ts";

/** A workspace's bot credentials, as its installation holds them. */
export interface BotCredentials {
  botToken: string;
  botUserId: string | undefined;
  /** The team the token acts in, and its organization. */
  scope: TeamScope;
}

/** Bot credentials per installation: single-workspace mode has one, OAuth mode one per install. */
export interface InstallationTokens {
  /**
   * The credentials for a team, or for its organization's org-wide install; undefined when the
   * app is not installed there. A rotating token near expiry is refreshed first, once across instances.
   */
  botFor(scope: TeamScope): Promise<BotCredentials | undefined>;
  /** Forgets a team's (or an org's) tokens after `app_uninstalled` or `tokens_revoked`. */
  remove(scope: TeamScope): Promise<void>;
}
