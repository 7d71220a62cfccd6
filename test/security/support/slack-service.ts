import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { FakeLlmServer } from "../../fakes/fake-llm-server.ts";
import type { FakeMessage, FakeSlackServer } from "../../fakes/fake-slack-server.ts";
import { sendSignedEvent, sendSignedInteraction } from "../../fakes/slack-signing.ts";
import { seedEmbeddedDataDirectory } from "../../helpers/database-templates.ts";
import { freePort } from "../../helpers/free-port.ts";
import { channel, findButton } from "../../slack/support/harness.ts";
import { canaries, type ServiceLayout } from "./command-service.ts";

const fixture = fileURLToPath(new URL("../../fixtures/slack-service-child.ts", import.meta.url));

/** The service as `npm start` runs it, secrets in its initial environment, behind the real Bolt receiver. */
export interface SlackService {
  /** Everything the service logged so far. */
  logs(): string;
  /** A signed app_mention from `user` that starts a thread at `threadTs`. */
  mention(user: string, threadTs: string, text: string): Promise<number>;
  /** The newest message in a thread whose text starts with `prefix`. */
  posted(threadTs: string, prefix: string): FakeMessage | undefined;
  /** A signed click on the first button of `message` whose action id starts with `actionId`. */
  click(user: string, threadTs: string, message: FakeMessage, actionId: string): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts test/fixtures/slack-service-child.ts with the canaries in its environment. The
 * fake Slack server must accept the canary bot token (`FakeSlackServer.start(canaries.SLACK_BOT_TOKEN)`).
 */
export async function startSlackService(options: {
  layout: ServiceLayout;
  slack: FakeSlackServer;
  llm: FakeLlmServer;
  environment: Record<string, string>;
}): Promise<SlackService> {
  const { layout, slack, llm } = options;
  const port = await freePort();
  await seedEmbeddedDataDirectory(layout.dataDirectory);
  let logs = "";
  const child: ChildProcess = spawn(process.execPath, [fixture], {
    cwd: layout.appDirectory,
    env: {
      ...process.env,
      ...canaries,
      NODE_ENV: "test",
      LOG_LEVEL: "info",
      PORT: String(port),
      SLACK_API_URL: slack.apiUrl,
      ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
      THREADWORK_DATA_DIR: layout.dataDirectory,
      THREADWORK_PUSH: "false",
      ...options.environment,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const collect = (chunk: Buffer) => {
    logs += chunk.toString("utf8");
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  await slack.waitFor(() => logs.includes("threadwork is ready") || child.exitCode !== null, 60_000);
  if (!logs.includes("threadwork is ready")) throw new Error(`the service did not start:\n${logs}`);
  const eventsUrl = `http://127.0.0.1:${port}/slack/events`;
  const signing = { signingSecret: canaries.SLACK_SIGNING_SECRET };
  return {
    logs: () => logs,
    async mention(user, threadTs, text) {
      const event = {
        type: "app_mention",
        user,
        text: `<@${slack.botUserId}> ${text}`,
        ts: threadTs,
        channel,
      };
      const body = { event_id: `Ev${threadTs.replace(".", "")}`, team_id: slack.teamId, event };
      return (await sendSignedEvent(eventsUrl, body, signing)).status;
    },
    posted(threadTs, prefix) {
      return slack.latestThreadMessage(channel, threadTs, prefix);
    },
    async click(user, threadTs, message, actionId) {
      const value = findButton(message.blocks, actionId)?.value;
      if (value === undefined) throw new Error(`no ${actionId} button in the message`);
      const payload = {
        type: "block_actions",
        user: { id: user, username: user, team_id: slack.teamId },
        team: { id: slack.teamId, domain: "threadwork-test" },
        api_app_id: "A0APP",
        token: "verification-token",
        trigger_id: `trigger.${message.ts}`,
        container: {
          type: "message",
          message_ts: message.ts,
          channel_id: channel,
          is_ephemeral: false,
          thread_ts: threadTs,
        },
        channel: { id: channel, name: "general" },
        message: { type: "message", ts: message.ts, thread_ts: threadTs, text: "", user: slack.botUserId },
        actions: [{ type: "button", action_id: actionId, block_id: "b", value, action_ts: "1700090001.0" }],
        response_url: "https://hooks.slack.invalid/actions/1",
      };
      return (await sendSignedInteraction(eventsUrl, payload, signing)).status;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.on("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
