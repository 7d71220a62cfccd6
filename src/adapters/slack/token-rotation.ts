import type { WebClient } from "@slack/web-api";
import { ThreadworkError } from "../../domain/errors.ts";

/** Fresh tokens from `oauth.v2.access` with `grant_type=refresh_token`. */
export interface RotatedTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
}

/** Slack refused a refresh: the installation's refresh token is spent or revoked, or the client secret is wrong. */
export class TokenRefreshError extends ThreadworkError {
  constructor(installation: string, reason: string, cause?: unknown) {
    super(
      "installation_token_refresh_failed",
      `Slack did not refresh the token of installation ${installation}: ${reason}`,
      {
        category: "third_party",
        details: { installation },
        cause,
      },
    );
    this.name = "TokenRefreshError";
  }
}

/** Exchanges a refresh token for a new access token and refresh token (Slack spends the old one). */
export async function rotateToken(options: {
  client: WebClient;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  installation: string;
  now: Date;
}): Promise<RotatedTokens> {
  let answer: { access_token?: string; refresh_token?: string; expires_in?: number };
  try {
    answer = await options.client.oauth.v2.access({
      client_id: options.clientId,
      client_secret: options.clientSecret,
      grant_type: "refresh_token",
      refresh_token: options.refreshToken,
    });
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    throw new TokenRefreshError(options.installation, code ?? "the call failed", error);
  }
  if (!answer.access_token || !answer.refresh_token || answer.expires_in === undefined) {
    throw new TokenRefreshError(options.installation, "the answer holds no rotated token");
  }
  return {
    accessToken: answer.access_token,
    refreshToken: answer.refresh_token,
    expiresAt: new Date(options.now.getTime() + answer.expires_in * 1000),
  };
}
