import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "../../../src/config/load-config.ts";
import { createLogger } from "../../../src/logger.ts";
import { type Application, start } from "../../../src/main.ts";
import type { FakeSlackServer } from "../../fakes/fake-slack-server.ts";
import { sendSignedEvent, sendSignedInteraction } from "../../fakes/fake-slack-server.ts";
import { createEmptyPostgresDatabase } from "../../helpers/database.ts";
import { freePort } from "../../helpers/free-port.ts";

export const signingSecret = "observability-signing-secret";
export const channel = "C0OBSERVE";

export interface StartedApplication {
  application: Application;
  baseUrl: string;
  /** Every log line, parsed. */
  logs: Record<string, unknown>[];
  mention(eventId: string, threadTs: string, text: string, user: string): Promise<number>;
  click(options: {
    user: string;
    actionId: string;
    value: string;
    messageTs: string;
    threadTs: string;
  }): Promise<number>;
  /** Stops the application (idempotent) and removes its database and data directory. */
  close(): Promise<void>;
}

/**
 * `start()` from main.ts, as `npm start` runs it, in HTTP mode against a fake Slack and a fake
 * LLM, on a fresh Postgres database, logging JSON lines into `logs`.
 */
export async function startApplication(options: {
  fake: FakeSlackServer;
  anthropicBaseUrl: string;
  environment?: Record<string, string>;
}): Promise<StartedApplication> {
  const { fake } = options;
  const database = await createEmptyPostgresDatabase();
  const dataDir = await mkdtemp(path.join(tmpdir(), "threadwork-observe-"));
  const config = loadConfig(
    {
      NODE_ENV: "production",
      DATABASE_URL: database.url,
      THREADWORK_DATA_DIR: dataDir,
      ANTHROPIC_API_KEY: "sk-ant-observability-test",
      ANTHROPIC_BASE_URL: options.anthropicBaseUrl,
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: fake.apiUrl,
      PORT: String(await freePort()),
      ...options.environment,
    },
    ["provider", "slack"],
  );
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: "debug",
    environment: "production",
    destination: { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
  });
  const application = await start(config, { logger });
  const baseUrl = `http://127.0.0.1:${application.port}`;
  const eventsUrl = `${baseUrl}/slack/events`;
  let stopped: Promise<void> | undefined;
  return {
    application,
    baseUrl,
    logs,
    async mention(eventId, threadTs, text, user) {
      const response = await sendSignedEvent(
        eventsUrl,
        {
          event_id: eventId,
          team_id: fake.teamId,
          event: { type: "app_mention", user, text: `<@${fake.botUserId}> ${text}`, ts: threadTs, channel },
        },
        { signingSecret },
      );
      return response.status;
    },
    async click({ user, actionId, value, messageTs, threadTs }) {
      const response = await sendSignedInteraction(
        eventsUrl,
        {
          type: "block_actions",
          user: { id: user, username: user, team_id: fake.teamId },
          team: { id: fake.teamId, domain: "threadwork-test" },
          api_app_id: "A0APP",
          token: "verification-token",
          trigger_id: `trigger.${messageTs}`,
          container: { type: "message", message_ts: messageTs, channel_id: channel, thread_ts: threadTs },
          channel: { id: channel, name: "observe" },
          message: { type: "message", ts: messageTs, thread_ts: threadTs, text: "", user: fake.botUserId },
          actions: [{ type: "button", action_id: actionId, block_id: "b", value, action_ts: "1" }],
          response_url: "https://hooks.slack.invalid/actions/1",
        },
        { signingSecret },
      );
      return response.status;
    },
    async close() {
      stopped ??= application.stop();
      await stopped;
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The value of one sample in a Prometheus text exposition; undefined when absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [
        pair[1],
        pair[2],
      ]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

/** The sum of every sample of `name` whose labels include `labels`. */
export function total(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const value = sample(line, name, labels);
    if (value !== undefined) sum += value;
  }
  return sum;
}
