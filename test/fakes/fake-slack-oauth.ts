import { randomBytes } from "node:crypto";

/** A workspace, or an Enterprise Grid organization, the app is installed into through OAuth. */
export interface FakeInstallTarget {
  /** Absent for an org-wide install, whose `team` Slack answers as null. */
  teamId?: string;
  teamName?: string;
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
  /** Who clicked Allow. */
  userId?: string;
  redirectUri?: string;
}

/** A bot token the fake issued, and what it may do. */
export interface IssuedToken {
  token: string;
  teamId: string | undefined;
  enterpriseId: string | undefined;
  isEnterpriseInstall: boolean;
  botUserId: string;
  /** Epoch ms; absent when token rotation is off. */
  expiresAt: number | undefined;
  revoked: boolean;
}

interface RefreshGrant {
  target: FakeInstallTarget;
  botUserId: string;
  spent: boolean;
}

const appId = "A0APP";

function secret(prefix: string): string {
  return `${prefix}${randomBytes(12).toString("hex")}`;
}

/**
 * Slack's OAuth side: `oauth.v2.access` exchanges a code once (for the redirect URI it was
 * issued with) and, with token rotation on, a refresh token once, as real Slack does: a spent
 * refresh token, an unknown code, another client id or a wrong client secret is refused. The
 * bot tokens it issues work with the fake's other methods for their own team until they expire
 * (`token_expired`) or are revoked (`token_revoked`).
 */
export class FakeSlackOAuth {
  readonly clientId = "1111.2222";
  readonly clientSecret = "fake-client-secret";
  /** Seconds an issued token lives; undefined turns token rotation off (tokens never expire). */
  tokenLifetimeSeconds: number | undefined;
  readonly tokens = new Map<string, IssuedToken>();
  /** Every `oauth.v2.access` answered, by grant type, for counting refreshes. */
  readonly exchanges: { grantType: string; ok: boolean; error?: string }[] = [];
  /** The workspaces an organization added the app to after its org-wide install (`auth.teams.list`). */
  readonly orgWorkspaces = new Map<string, { id: string; name: string }[]>();
  private readonly codes = new Map<string, FakeInstallTarget>();
  private readonly refreshGrants = new Map<string, RefreshGrant>();
  private readonly scopes: string[];
  private botCounter = 0;

  constructor(scopes: string[]) {
    this.scopes = scopes;
  }

  /** What Slack's authorize page sends back to the redirect URI once someone clicks Allow. */
  authorize(target: FakeInstallTarget): string {
    const code = secret("code-");
    this.codes.set(code, target);
    return code;
  }

  /** The issued token named by an `Authorization: Bearer` header, if the fake issued it. */
  issued(authorization: string | undefined): IssuedToken | undefined {
    return this.tokens.get(authorization?.replace(/^Bearer /, "") ?? "");
  }

  /** Why a call with this issued token is refused, or undefined when it is accepted. */
  refusal(token: IssuedToken, now = Date.now()): string | undefined {
    if (token.revoked) return "token_revoked";
    if (token.expiresAt !== undefined && token.expiresAt <= now) return "token_expired";
    return undefined;
  }

  /** Revokes every token of a team or organization, as uninstalling the app does. */
  revoke(id: string): void {
    for (const token of this.tokens.values()) {
      if (token.teamId === id || (token.isEnterpriseInstall && token.enterpriseId === id))
        token.revoked = true;
    }
    for (const grant of this.refreshGrants.values()) {
      const target = grant.target;
      if (target.teamId === id || target.enterpriseId === id) grant.spent = true;
    }
  }

  /** `auth.teams.list` for an issued token: the organization's workspaces that have the app, or its own team. */
  teams(token: IssuedToken): Record<string, unknown> {
    const teams = token.isEnterpriseInstall
      ? (this.orgWorkspaces.get(token.enterpriseId ?? "") ?? [])
      : [{ id: token.teamId, name: token.teamId }];
    return { ok: true, teams, response_metadata: { next_cursor: "" } };
  }

  /** `auth.revoke` with an issued token: that token stops working at once. */
  revokeToken(token: IssuedToken): Record<string, unknown> {
    token.revoked = true;
    return { ok: true, revoked: true };
  }

  answer(params: Record<string, unknown>): Record<string, unknown> {
    const grantType = params.grant_type === "refresh_token" ? "refresh_token" : "authorization_code";
    const answer = this.exchange(grantType, params);
    this.exchanges.push({
      grantType,
      ok: answer.ok === true,
      ...(typeof answer.error === "string" ? { error: answer.error } : {}),
    });
    return answer;
  }

  private exchange(grantType: string, params: Record<string, unknown>): Record<string, unknown> {
    if (params.client_id !== this.clientId) return { ok: false, error: "invalid_client_id" };
    if (params.client_secret !== this.clientSecret) return { ok: false, error: "bad_client_secret" };
    if (grantType === "refresh_token") {
      const grant = this.refreshGrants.get(String(params.refresh_token ?? ""));
      if (!grant || grant.spent) return { ok: false, error: "invalid_refresh_token" };
      grant.spent = true;
      return this.grant(grant.target, grant.botUserId);
    }
    const code = String(params.code ?? "");
    const target = this.codes.get(code);
    if (!target) return { ok: false, error: "invalid_code" };
    this.codes.delete(code);
    if (target.redirectUri !== undefined && params.redirect_uri !== target.redirectUri) {
      return { ok: false, error: "bad_redirect_uri" };
    }
    this.botCounter += 1;
    return this.grant(target, `U0BOT${this.botCounter}`);
  }

  private grant(target: FakeInstallTarget, botUserId: string): Record<string, unknown> {
    const token = secret("xoxb-fake-");
    const lifetime = this.tokenLifetimeSeconds;
    this.tokens.set(token, {
      token,
      teamId: target.teamId,
      enterpriseId: target.enterpriseId,
      isEnterpriseInstall: target.isEnterpriseInstall ?? false,
      botUserId,
      expiresAt: lifetime === undefined ? undefined : Date.now() + lifetime * 1000,
      revoked: false,
    });
    const rotation: Record<string, unknown> = {};
    if (lifetime !== undefined) {
      const refreshToken = secret("xoxe-1-fake-");
      this.refreshGrants.set(refreshToken, { target, botUserId, spent: false });
      Object.assign(rotation, { refresh_token: refreshToken, expires_in: lifetime });
    }
    return {
      ok: true,
      app_id: appId,
      authed_user: { id: target.userId ?? "U0INSTALLER" },
      scope: this.scopes.join(","),
      token_type: "bot",
      access_token: token,
      bot_user_id: botUserId,
      team: target.teamId ? { id: target.teamId, name: target.teamName ?? target.teamId } : null,
      enterprise: target.enterpriseId ? { id: target.enterpriseId, name: target.enterpriseId } : null,
      is_enterprise_install: target.isEnterpriseInstall ?? false,
      ...rotation,
    };
  }
}
