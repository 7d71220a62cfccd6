import type { InstallationTokens } from "../../../src/adapters/slack/installation-tokens.ts";
import type { Logger } from "../../../src/logger.ts";
import type { RuntimeApi } from "../../../src/runtime/runtime-api.ts";
import { createSlackSurface, type SlackSurface } from "../../../src/surfaces/slack/create-slack-surface.ts";
import type { ScheduleOptions } from "../../../src/surfaces/slack/schedules/start-schedules.ts";
import type { SlackStore } from "../../../src/surfaces/slack/slack-store.ts";
import { FakeInstallationTokens } from "../../fakes/fake-installation-tokens.ts";
import { sendSignedCommand } from "../../fakes/fake-slack-code-channels.ts";
import { FakeSlackServer, sendSignedEvent, sendSignedInteraction } from "../../fakes/fake-slack-server.ts";
import { signingSecret, slackConfig } from "./harness.ts";

/** One installed workspace of the test: its team, token, channel and person. */
export interface TestWorkspace {
  teamId: string;
  botToken: string;
  botUserId: string;
  channel: string;
  person: string;
}

export const alpha: TestWorkspace = {
  teamId: "T0ALPHA",
  botToken: "xoxb-alpha-token",
  botUserId: "U0BOTALPHA",
  channel: "C0ALPHA",
  person: "U0ALICE",
};

export const bravo: TestWorkspace = {
  teamId: "T0BRAVO",
  botToken: "xoxb-bravo-token",
  botUserId: "U0BOTBRAVO",
  channel: "C0BRAVO",
  person: "U0BOB",
};

/** A fake Slack serving both workspaces, each token confined to its own team's channels and people. */
export async function startTwoWorkspaceSlack(): Promise<{
  fake: FakeSlackServer;
  tokens: FakeInstallationTokens;
}> {
  const fake = await FakeSlackServer.start();
  const tokens = new FakeInstallationTokens();
  for (const workspace of [alpha, bravo]) {
    const { teamId, botToken, botUserId, channel, person } = workspace;
    fake.workspaces.add({ teamId, botToken, botUserId, botId: `B${botUserId}` }, [channel]);
    fake.workspaces.addMember(person, teamId);
    fake.addUser({ id: person, name: person.toLowerCase(), teamId });
    tokens.install({ botToken, botUserId, scope: { teamId, enterpriseId: undefined } });
  }
  return { fake, tokens };
}

export interface TwoWorkspaceSurface {
  surface: SlackSurface;
  eventsUrl: string;
  /** An event as Slack delivers it to `through`'s installation. */
  event(through: TestWorkspace, eventId: string, event: Record<string, unknown>): Promise<number>;
  /** A button click as `user` (of `userTeam`), delivered to `through`'s installation. */
  click(options: {
    through: TestWorkspace;
    user: string;
    userTeam: string;
    channel: string;
    actionId: string;
    value: string;
    messageTs: string;
    threadTs: string;
  }): Promise<number>;
  /** A slash command typed by `user` in `through`'s channel. */
  command(through: TestWorkspace, user: string, command: string, text: string): Promise<number>;
}

/** The surface in many-installation mode, on the real Bolt HTTP receiver. */
export async function startTwoWorkspaceSurface(options: {
  fake: FakeSlackServer;
  installations: InstallationTokens;
  runtime: RuntimeApi;
  store: SlackStore;
  logger: Logger;
  schedules?: ScheduleOptions;
  clock?: { now(): Date };
}): Promise<TwoWorkspaceSurface> {
  const surface = createSlackSurface({
    config: slackConfig(options.fake, { botToken: undefined }),
    installations: options.installations,
    runtime: options.runtime,
    store: options.store,
    logger: options.logger,
    health: async () => ({ database: true, queue: true }),
    host: "127.0.0.1",
    timing: { boardIntervalMs: 100, streamIntervalMs: 50 },
    ...(options.schedules ? { schedules: options.schedules } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const { port } = await surface.start();
  const eventsUrl = `http://127.0.0.1:${port}/slack/events`;
  return {
    surface,
    eventsUrl,
    async event(through, eventId, event) {
      const envelope = { event_id: eventId, team_id: through.teamId, event };
      return (await sendSignedEvent(eventsUrl, envelope, { signingSecret })).status;
    },
    async command(through, user, command, text) {
      const fields = {
        token: "verification-token",
        team_id: through.teamId,
        channel_id: through.channel,
        user_id: user,
        command,
        text,
        api_app_id: "A0APP",
        trigger_id: `trigger.${Date.now()}`,
        response_url: "https://hooks.slack.invalid/commands/1",
      };
      return (await sendSignedCommand(eventsUrl, fields, { signingSecret })).status;
    },
    async click({ through, user, userTeam, channel, actionId, value, messageTs, threadTs }) {
      const payload = {
        type: "block_actions",
        user: { id: user, username: user, team_id: userTeam },
        team: { id: through.teamId, domain: through.teamId.toLowerCase() },
        api_app_id: "A0APP",
        token: "verification-token",
        trigger_id: `trigger.${messageTs}`,
        container: { type: "message", message_ts: messageTs, channel_id: channel, thread_ts: threadTs },
        channel: { id: channel, name: channel.toLowerCase() },
        message: { type: "message", ts: messageTs, thread_ts: threadTs, text: "", user: through.botUserId },
        actions: [{ type: "button", action_id: actionId, block_id: "b", value, action_ts: "1" }],
        response_url: "https://hooks.slack.invalid/actions/1",
      };
      return (await sendSignedInteraction(eventsUrl, payload, { signingSecret })).status;
    },
  };
}
