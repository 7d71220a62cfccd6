import { describe, expect, it } from "vitest";
import { createRoutedSlackApi, InstallationUnknownError } from "../../src/adapters/slack/routed-slack-api.ts";
import type { SlackApi } from "../../src/adapters/slack/slack-api.ts";
import { FakeInstallationTokens } from "../fakes/fake-installation-tokens.ts";

/** A paced client stand-in that records what it was asked to send. */
function recordingApis() {
  const clients: { sent: { method: string; params: Record<string, unknown> }[] }[] = [];
  const createApi = (): SlackApi => {
    const client = { sent: [] as { method: string; params: Record<string, unknown> }[] };
    clients.push(client);
    return {
      async call(method, params) {
        client.sent.push({ method, params });
        return { ok: true };
      },
    };
  };
  return { clients, createApi };
}

function world() {
  const tokens = new FakeInstallationTokens();
  tokens.install({
    botToken: "xoxb-alpha",
    botUserId: "U0A",
    scope: { teamId: "T0ALPHA", enterpriseId: undefined },
  });
  tokens.install({
    botToken: "xoxb-bravo",
    botUserId: "U0B",
    scope: { teamId: "T0BRAVO", enterpriseId: undefined },
  });
  tokens.install(
    { botToken: "xoxb-org", botUserId: "U0O", scope: { teamId: "T0FIRST", enterpriseId: "E0ORG" } },
    { orgWide: true },
  );
  const apis = recordingApis();
  const api = createRoutedSlackApi({ installations: tokens, createApi: apis.createApi });
  return { tokens, api, clients: apis.clients };
}

const alpha = { teamId: "T0ALPHA", enterpriseId: undefined };
const bravo = { teamId: "T0BRAVO", enterpriseId: undefined };

describe("Slack calls with many installations", () => {
  it("refuses a call that names no installation, or one that is not installed, and sends nothing", async () => {
    const { api, clients } = world();
    await expect(api.call("chat.postMessage", { channel: "C1", text: "hi" })).rejects.toBeInstanceOf(
      InstallationUnknownError,
    );
    const missing = api.call(
      "chat.postMessage",
      { channel: "C1" },
      { scope: { teamId: "T0NOBODY", enterpriseId: undefined } },
    );
    await expect(missing).rejects.toMatchObject({ slackError: "not_installed", teamId: "T0NOBODY" });
    expect(clients).toHaveLength(0);
  });

  it("sends each call with its own installation's token, paced by that installation's own client", async () => {
    const { api, clients } = world();
    await api.call("chat.postMessage", { channel: "C0ALPHA" }, { scope: alpha });
    await api.call("chat.postMessage", { channel: "C0BRAVO" }, { scope: bravo });
    await api.call("chat.update", { channel: "C0ALPHA" }, { scope: alpha, priority: "background" });
    expect(clients).toHaveLength(2);
    expect(clients[0]?.sent.map((call) => call.params.token)).toEqual(["xoxb-alpha", "xoxb-alpha"]);
    expect(clients[1]?.sent.map((call) => call.params.token)).toEqual(["xoxb-bravo"]);
  });

  it("serves the teams of an org-wide install with its token, through one client", async () => {
    const { api, clients } = world();
    await api.call(
      "chat.postMessage",
      { channel: "C1" },
      { scope: { teamId: "T0FIRST", enterpriseId: "E0ORG" } },
    );
    await api.call(
      "chat.postMessage",
      { channel: "C2" },
      { scope: { teamId: "T0SECOND", enterpriseId: "E0ORG" } },
    );
    expect(clients).toHaveLength(1);
    expect(clients[0]?.sent.map((call) => call.params.token)).toEqual(["xoxb-org", "xoxb-org"]);
    // Without its organization, a team of the org is not installed.
    await expect(
      api.call(
        "chat.postMessage",
        { channel: "C2" },
        { scope: { teamId: "T0SECOND", enterpriseId: undefined } },
      ),
    ).rejects.toBeInstanceOf(InstallationUnknownError);
  });

  it("fails closed once an installation is removed, and the other goes on", async () => {
    const { api, tokens, clients } = world();
    await api.call("chat.postMessage", { channel: "C0ALPHA" }, { scope: alpha });
    await tokens.remove(alpha);
    api.forget(alpha);
    await expect(
      api.call("chat.postMessage", { channel: "C0ALPHA" }, { scope: alpha }),
    ).rejects.toMatchObject({
      slackError: "not_installed",
    });
    await api.call("chat.postMessage", { channel: "C0BRAVO" }, { scope: bravo });
    expect(clients.flatMap((client) => client.sent.map((call) => call.params.token))).toEqual([
      "xoxb-alpha",
      "xoxb-bravo",
    ]);
  });
});
