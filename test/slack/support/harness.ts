import type { Config } from "../../../src/config/config.ts";
import { createSilentLogger, type Logger } from "../../../src/logger.ts";
import type { RuntimeApi } from "../../../src/runtime/runtime-api.ts";
import type { ChannelSettingsOptions } from "../../../src/surfaces/slack/channel-settings/settings-store.ts";
import { createSlackSurface, type SlackSurface } from "../../../src/surfaces/slack/create-slack-surface.ts";
import type { ScheduleOptions } from "../../../src/surfaces/slack/schedules/start-schedules.ts";
import { createMemorySlackStore, type SlackStore } from "../../../src/surfaces/slack/slack-store.ts";
import type { SpendLimitStore } from "../../../src/surfaces/slack/spend-limit-store.ts";
import type { SurfaceTimers } from "../../../src/surfaces/slack/timers.ts";
import type { WatchRuleStore } from "../../../src/surfaces/slack/watched-channels/watch-rule-store.ts";
import { sendSignedCommand } from "../../fakes/fake-slack-code-channels.ts";
import {
  type ConformanceViolation,
  FakeSlackServer,
  sendSignedEvent,
  sendSignedInteraction,
} from "../../fakes/fake-slack-server.ts";

export const signingSecret = "test-signing-secret";
export const channel = "C0GENERAL";

export interface Harness {
  fake: FakeSlackServer;
  surface: SlackSurface;
  eventsUrl: string;
  baseUrl: string;
  store: SlackStore;
  /** Sends an event_callback; returns the HTTP status Bolt answered. */
  event(
    eventId: string,
    event: Record<string, unknown>,
    envelope?: { is_ext_shared_channel?: boolean },
  ): Promise<number>;
  /** Clicks a button in a posted message, as `user`. */
  click(options: {
    user: string;
    actionId: string;
    value: string;
    messageTs: string;
    threadTs: string;
  }): Promise<number>;
  interaction(payload: Record<string, unknown>): Promise<number>;
  /** Types a slash command (`/threadwork schedule …`) in `channelId`, as `user`. */
  command(options: { user: string; command: string; text: string; channelId?: string }): Promise<number>;
  stop(): Promise<void>;
}

export function slackConfig(
  fake: FakeSlackServer,
  overrides: Partial<Config["slack"]> = {},
): Config["slack"] {
  return {
    botToken: fake.botToken,
    signingSecret,
    appToken: undefined,
    apiUrl: fake.apiUrl,
    port: 0,
    ...overrides,
  };
}

/** Every call the surface made is checked as real Slack would check it: a refused one fails the test. */
export function failOnViolations(violations: readonly ConformanceViolation[]): void {
  if (violations.length === 0) return;
  throw new Error(
    `Slack would refuse or ignore these calls:\n${violations.map((item) => `${item.reason} (${item.error ?? "ignored"})`).join("\n")}`,
  );
}

/** A real Bolt HTTP receiver and WebClient wired to a fake Slack Web API on loopback. */
export async function startHarness(options: {
  runtime: RuntimeApi;
  fake?: FakeSlackServer;
  store?: SlackStore;
  boardIntervalMs?: number;
  health?: () => Promise<{ database: boolean; queue: boolean }>;
  /** Overrides of the Slack settings, e.g. access lists. */
  slack?: Partial<Config["slack"]>;
  /** Timers the test moves by hand (agent session heartbeats). */
  timers?: SurfaceTimers;
  /** A logger whose lines the test reads; silent otherwise. */
  logger?: Logger;
  /** A clock the test moves by hand (stream age). */
  clock?: { now(): Date };
  /** Schedules on a test database, polled as often as the test says. */
  schedules?: ScheduleOptions;
  /** Watched channels' rules (on a test database). */
  watchRules?: WatchRuleStore;
  /** POST routes beside /slack/events, e.g. GitHub's webhook. */
  webhooks?: Parameters<typeof createSlackSurface>[0]["webhooks"];
  /** The audit trail (on a test database), for `/threadwork audit`. */
  audit?: Parameters<typeof createSlackSurface>[0]["audit"];
  /** Channel settings (`/threadwork settings`), on a test database. */
  channelSettings?: ChannelSettingsOptions;
  /** Spend limits on a test database, and THREADWORK_ADMINS. */
  spendLimits?: SpendLimitStore;
  adminIds?: string[];
}): Promise<Harness> {
  const fake = options.fake ?? (await FakeSlackServer.start());
  const store = options.store ?? createMemorySlackStore();
  const surface = createSlackSurface({
    config: slackConfig(fake, options.slack),
    runtime: options.runtime,
    store,
    logger: options.logger ?? createSilentLogger(),
    health: options.health ?? (async () => ({ database: true, queue: true })),
    host: "127.0.0.1",
    ...(options.timers ? { timers: options.timers } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.schedules ? { schedules: options.schedules } : {}),
    ...(options.watchRules ? { watchRules: options.watchRules } : {}),
    ...(options.webhooks ? { webhooks: options.webhooks } : {}),
    ...(options.audit ? { audit: options.audit } : {}),
    ...(options.channelSettings ? { channelSettings: options.channelSettings } : {}),
    ...(options.spendLimits ? { spendLimits: options.spendLimits } : {}),
    ...(options.adminIds ? { adminIds: options.adminIds } : {}),
    timing: { boardIntervalMs: options.boardIntervalMs ?? 100, streamIntervalMs: 50 },
  });
  const { port } = await surface.start();
  const baseUrl = `http://127.0.0.1:${port}`;
  const eventsUrl = `${baseUrl}/slack/events`;
  const interaction = async (payload: Record<string, unknown>) =>
    (await sendSignedInteraction(eventsUrl, payload, { signingSecret })).status;
  return {
    fake,
    surface,
    store,
    eventsUrl,
    baseUrl,
    async event(eventId, event, envelope) {
      const response = await sendSignedEvent(
        eventsUrl,
        { event_id: eventId, team_id: fake.teamId, event, ...envelope },
        { signingSecret },
      );
      return response.status;
    },
    interaction,
    async command({ user, command, text, channelId = channel }) {
      const fields = {
        token: "verification-token",
        team_id: fake.teamId,
        channel_id: channelId,
        user_id: user,
        command,
        text,
        api_app_id: "A0APP",
        trigger_id: `trigger.${Date.now()}`,
        response_url: `${fake.apiUrl}response`,
      };
      return (await sendSignedCommand(eventsUrl, fields, { signingSecret })).status;
    },
    click({ user, actionId, value, messageTs, threadTs }) {
      return interaction({
        type: "block_actions",
        user: { id: user, username: user, team_id: fake.teamId },
        team: { id: fake.teamId, domain: "threadwork-test" },
        api_app_id: "A0APP",
        token: "verification-token",
        trigger_id: `trigger.${messageTs}`,
        container: {
          type: "message",
          message_ts: messageTs,
          channel_id: channel,
          is_ephemeral: false,
          thread_ts: threadTs,
        },
        channel: { id: channel, name: "general" },
        message: { type: "message", ts: messageTs, thread_ts: threadTs, text: "", user: fake.botUserId },
        actions: [
          { type: "button", action_id: actionId, block_id: "b", value, action_ts: String(Date.now() / 1000) },
        ],
        response_url: "https://hooks.slack.invalid/actions/1",
      });
    },
    async stop() {
      await surface.stop();
      const violations = fake.violations.splice(0);
      if (!options.fake) await fake.close();
      failOnViolations(violations);
    },
  };
}

/** The first button in `blocks` whose action id starts with `prefix`. */
export function findButton(
  blocks: unknown[],
  prefix: string,
): { action_id: string; value: string } | undefined {
  const json = JSON.stringify(blocks);
  const parsed = JSON.parse(json) as unknown;
  const stack: unknown[] = [parsed];
  while (stack.length > 0) {
    const item = stack.pop();
    if (Array.isArray(item)) stack.push(...[...item].reverse());
    else if (item && typeof item === "object") {
      const record = item as Record<string, unknown>;
      if (
        record.type === "button" &&
        typeof record.action_id === "string" &&
        record.action_id.startsWith(prefix)
      ) {
        return { action_id: record.action_id, value: String(record.value) };
      }
      stack.push(...Object.values(record).reverse());
    }
  }
  return undefined;
}
