import { WebClient } from "@slack/web-api";
import type { InstallationRecord } from "../../src/adapters/database/slack-installations.ts";
import type { FakeInstallTarget } from "../fakes/fake-slack-oauth.ts";
import type { FakeSlackServer } from "../fakes/fake-slack-server.ts";

/** Installs the app into a workspace of the fake Slack (code, then `oauth.v2.access`), as a stored record. */
export async function installedWorkspace(
  slack: FakeSlackServer,
  target: FakeInstallTarget,
): Promise<InstallationRecord> {
  const code = slack.oauth.authorize(target);
  const answer = (await new WebClient(undefined, { slackApiUrl: slack.apiUrl }).oauth.v2.access({
    client_id: slack.oauth.clientId,
    client_secret: slack.oauth.clientSecret,
    code,
  })) as { access_token: string; bot_user_id: string; refresh_token?: string; expires_in?: number };
  const enterpriseInstall = target.isEnterpriseInstall ?? false;
  return {
    key: (enterpriseInstall ? target.enterpriseId : target.teamId) ?? "",
    teamId: target.teamId,
    enterpriseId: target.enterpriseId,
    isEnterpriseInstall: enterpriseInstall,
    appId: "A0APP",
    botId: undefined,
    botUserId: answer.bot_user_id,
    botScopes: [],
    botToken: answer.access_token,
    botRefreshToken: answer.refresh_token,
    botExpiresAt:
      answer.expires_in === undefined ? undefined : new Date(Date.now() + answer.expires_in * 1000),
    userId: undefined,
    userToken: undefined,
    userRefreshToken: undefined,
    userExpiresAt: undefined,
    enterpriseUrl: undefined,
  };
}
