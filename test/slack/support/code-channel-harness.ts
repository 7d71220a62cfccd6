import type { SessionDiffSource } from "../../../src/surfaces/slack/code-channels/session-diffs.ts";
import { createSlackSurface, type SlackSurface } from "../../../src/surfaces/slack/create-slack-surface.ts";
import { createMemorySlackStore } from "../../../src/surfaces/slack/slack-store.ts";
import { sendSignedCommand } from "../../fakes/fake-slack-code-channels.ts";
import { FakeSlackServer, sendSignedEvent } from "../../fakes/fake-slack-server.ts";
import { collectingLogger } from "../../helpers/collecting-logger.ts";
import { channel, failOnViolations, signingSecret, slackConfig } from "./harness.ts";
import { ScriptedRuntime } from "./scripted-runtime.ts";

export const owner = "U0OWNER";
export const stranger = "U0STRANGER";

export interface CodeChannelHarness {
  fake: FakeSlackServer;
  runtime: ScriptedRuntime;
  surface: SlackSurface;
  /** Every log line the surface wrote, parsed. */
  logs(): { level: number; msg: string; [field: string]: unknown }[];
  /** A top-level mention by the owner; resolves with the session's id. */
  mention(eventId: string, ts: string, text: string): Promise<string>;
  /** `user` runs a registered runtime command in the code channel; returns Bolt's HTTP status. */
  command(user: string, name: string, text?: string): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The real Bolt HTTP receiver and WebClient against the fake Slack, with
 * THREADWORK_CODE_CHANNELS on, the code channel scope granted and a log to read back.
 */
export async function startCodeChannelHarness(
  options: { diffs?: SessionDiffSource } = {},
): Promise<CodeChannelHarness> {
  const fake = await FakeSlackServer.start();
  fake.grantedScopes.add("code_channels:manage");
  // Apps that get Slack Code also have agent sessions.
  fake.agentSessions.enable();
  fake.addUser({ id: owner, name: "owner" });
  fake.addUser({ id: stranger, name: "stranger" });
  const runtime = new ScriptedRuntime();
  const { logger, lines } = collectingLogger([], "production");
  const surface = createSlackSurface({
    config: { ...slackConfig(fake), codeChannels: true },
    runtime,
    store: createMemorySlackStore(),
    logger,
    health: async () => ({ database: true, queue: true }),
    host: "127.0.0.1",
    timing: { boardIntervalMs: 50, streamIntervalMs: 50, codeChannelIntervalMs: 30 },
    ...(options.diffs ? { sessionDiffs: options.diffs } : {}),
  });
  const { port } = await surface.start();
  const eventsUrl = `http://127.0.0.1:${port}/slack/events`;
  return {
    fake,
    runtime,
    surface,
    logs: () => lines.flatMap((line) => line.split("\n").filter(Boolean)).map((line) => JSON.parse(line)),
    async mention(eventId, ts, text) {
      const before = runtime.sessions.size;
      await sendSignedEvent(
        eventsUrl,
        {
          event_id: eventId,
          team_id: fake.teamId,
          event: {
            type: "app_mention",
            user: owner,
            text: `<@${fake.botUserId}> ${text}`,
            ts,
            channel,
            event_ts: ts,
          },
        },
        { signingSecret },
      );
      await fake.waitFor(() => runtime.sessions.size > before);
      return [...runtime.sessions.keys()].at(-1) ?? "";
    },
    async command(user, name, text) {
      const codeChannel = fake.codeChannels.only;
      if (!codeChannel) throw new Error("no code channel");
      const fields = fake.codeChannels.commandInvocation({
        channel: codeChannel.id,
        user,
        name,
        ...(text ? { text } : {}),
      });
      return (await sendSignedCommand(eventsUrl, fields, { signingSecret })).status;
    },
    async stop() {
      await surface.stop();
      const violations = fake.violations.splice(0);
      await fake.close();
      failOnViolations(violations);
    },
  };
}
