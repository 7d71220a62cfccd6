import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeSlackServer } from "../../fakes/fake-slack-server.ts";

describe("the fake Slack's oauth.v2.access", () => {
  let slack: FakeSlackServer;
  let client: WebClient;

  beforeAll(async () => {
    slack = await FakeSlackServer.start();
    client = new WebClient(undefined, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  });
  afterAll(async () => {
    await slack?.close();
  });

  const exchange = (params: Record<string, string>) =>
    client.apiCall("oauth.v2.access", {
      client_id: slack.oauth.clientId,
      client_secret: slack.oauth.clientSecret,
      ...params,
    }) as unknown as Promise<Record<string, unknown>>;

  it("exchanges a code once, for its client only, and refuses an unknown code", async () => {
    const code = slack.oauth.authorize({ teamId: "T0ONCE" });
    await expect(exchange({ code, client_secret: "wrong" })).rejects.toMatchObject({
      data: { error: "bad_client_secret" },
    });
    await expect(exchange({ code, client_id: "9999.9999" })).rejects.toMatchObject({
      data: { error: "invalid_client_id" },
    });
    const answer = await exchange({ code });
    expect(answer).toMatchObject({
      ok: true,
      token_type: "bot",
      team: { id: "T0ONCE" },
      is_enterprise_install: false,
    });
    await expect(exchange({ code })).rejects.toMatchObject({ data: { error: "invalid_code" } });
    await expect(exchange({ code: "code-never-issued" })).rejects.toMatchObject({
      data: { error: "invalid_code" },
    });
  });

  it("spends a refresh token when it is used, and refuses an expired or revoked access token", async () => {
    slack.oauth.tokenLifetimeSeconds = 1;
    const first = await exchange({ code: slack.oauth.authorize({ teamId: "T0ROTATE" }) });
    const refreshed = await exchange({
      grant_type: "refresh_token",
      refresh_token: String(first.refresh_token),
    });
    expect(refreshed.access_token).not.toBe(first.access_token);
    await expect(
      exchange({ grant_type: "refresh_token", refresh_token: String(first.refresh_token) }),
    ).rejects.toMatchObject({ data: { error: "invalid_refresh_token" } });

    const fresh = new WebClient(String(refreshed.access_token), { slackApiUrl: slack.apiUrl });
    expect(await fresh.auth.test()).toMatchObject({ ok: true, team_id: "T0ROTATE" });
    const token = slack.oauth.tokens.get(String(refreshed.access_token));
    if (token) token.expiresAt = Date.now() - 1;
    await expect(fresh.auth.test()).rejects.toMatchObject({ data: { error: "token_expired" } });

    slack.oauth.tokenLifetimeSeconds = undefined;
    const other = await exchange({ code: slack.oauth.authorize({ teamId: "T0GONE" }) });
    slack.oauth.revoke("T0GONE");
    const revoked = new WebClient(String(other.access_token), { slackApiUrl: slack.apiUrl });
    await expect(revoked.chat.postMessage({ channel: "C0GONE", text: "hi" })).rejects.toMatchObject({
      data: { error: "token_revoked" },
    });
  });
});
