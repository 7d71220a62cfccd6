import type { App } from "@slack/bolt";
import type { InstallationTokens } from "../../adapters/slack/installation-tokens.ts";
import type { SlackApi } from "../../adapters/slack/slack-api.ts";
import type { Config } from "../../config/config.ts";
import type { AuditTrail } from "../../domain/audit-export.ts";
import type { SurfaceTelemetry } from "../../domain/telemetry-port.ts";
import type { Logger } from "../../logger.ts";
import type { RuntimeApi } from "../../runtime/runtime-api.ts";
import type { ChannelSettingsOptions } from "./channel-settings/settings-store.ts";
import type { SessionDiffSource } from "./code-channels/session-diffs.ts";
import type { HealthCheck } from "./health.ts";
import type { SurfaceOAuthInstall } from "./install/oauth-install.ts";
import type { MetricsEndpoint } from "./metrics-route.ts";
import type { ScheduleOptions } from "./schedules/start-schedules.ts";
import type { SlackStore } from "./slack-store.ts";
import type { SpendLimitStore } from "./spend-limit-store.ts";
import type { SlackSurfaceContext } from "./surface-context.ts";
import type { SurfaceTimers } from "./timers.ts";
import type { WatchRuleStore } from "./watched-channels/watch-rule-store.ts";
import type { WebhookRoute } from "./webhook-route.ts";

/** What `createSlackSurface` is given. */
export interface SlackSurfaceOptions {
  config: Config["slack"];
  runtime: RuntimeApi;
  store: SlackStore;
  logger: Logger;
  /** Whether the database answers and the queue runs, for `GET /healthz`. */
  health: HealthCheck;
  /** Share one rate-limited client with `createSlackFiles`; built from `config` if absent. */
  api?: SlackApi;
  /**
   * Many workspaces (OAuth installs): each event, click, command and runtime update acts with
   * its own installation's bot token, and `config.botToken` is not used. One token when absent.
   */
  installations?: InstallationTokens;
  clock?: { now(): Date };
  /** Long waits (agent session heartbeats); tests pass timers they advance by hand. */
  timers?: SurfaceTimers;
  /** Interface to listen on; all interfaces when absent. Tests pass 127.0.0.1. */
  host?: string;
  timing?: {
    boardIntervalMs?: number;
    streamIntervalMs?: number;
    codeChannelIntervalMs?: number;
    sessionRefreshMs?: number;
    /** Socket Mode: the SDK's pong timeout, which also spaces its reconnect attempts (5 s). */
    socketPingTimeoutMs?: number;
    /** Socket Mode: how long the connection may be down before `/healthz` answers 503 (20 s). */
    socketGraceMs?: number;
  };
  /** With `config.codeChannels`: the session's diff for its code channel's diff tab. */
  sessionDiffs?: SessionDiffSource;
  /** Served at `GET /metrics` on the same port as `/healthz`. */
  metrics?: MetricsEndpoint;
  /** Times to first feedback and first reply. */
  telemetry?: SurfaceTelemetry;
  /** Schedules on the shared database: `/threadwork schedule`, App Home, and the poller. */
  schedules?: ScheduleOptions;
  /** Watched channels' rules and counters (the database); nothing is watched without it. */
  watchRules?: WatchRuleStore;
  /** The audit trail (the database): recorded through, and exported by `/threadwork audit`. */
  audit?: AuditTrail;
  /** Channel settings on the shared database; `/threadwork settings` says it is unavailable without. */
  channelSettings?: ChannelSettingsOptions;
  /** Spend limits on the shared database: `/threadwork limits`, App Home. */
  spendLimits?: SpendLimitStore;
  /** THREADWORK_ADMINS: who sets spend limits and gets spend alerts, besides workspace admins. */
  adminIds?: readonly string[];
  /** POST routes on the public port in both modes (e.g. `/github/events`), built with the surface's context. */
  webhooks?: (context: SlackSurfaceContext, app: App) => Record<string, WebhookRoute>;
  /** OAuth mode: `GET /slack/install` and `/slack/oauth_redirect`; `app_uninstalled` and `tokens_revoked` end an installation. */
  oauthInstall?: SurfaceOAuthInstall;
}

export interface SlackSurface {
  app: App;
  /**
   * Subscribes to the runtime's events, without a call to Slack. Done before the runtime
   * starts, so a turn it resumes at once is shown; `start` attaches if this was not called.
   */
  attach(): void;
  /**
   * Attaches, checks the token (`auth.test`), then starts listening (HTTP) or connects
   * (Socket Mode); resolves with the port `/healthz` listens on.
   */
  start(): Promise<{ port: number }>;
  /**
   * Stops taking Slack input: Socket Mode disconnects (Slack redelivers unacknowledged
   * events) and the HTTP listener closes (Slack retries events it could not deliver);
   * handlers already running finish. Outgoing updates keep flowing until `stop`.
   */
  stopReceiving(): Promise<void>;
  /**
   * Stops receiving if not done yet, unsubscribes from the runtime and sends every pending
   * update (replies, crew boards, statuses) until `deadline` (epoch ms); what is still
   * queued then is logged and dropped (`flushed` false).
   */
  stop(options?: { deadline?: number }): Promise<{ flushed: boolean }>;
}
