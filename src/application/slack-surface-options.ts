import type { DatabaseHandle } from "../adapters/database/open-database.ts";
import type { SlackApi } from "../adapters/slack/slack-api.ts";
import type { Config } from "../config/config.ts";
import type { Logger } from "../logger.ts";
import type { Runtime } from "../runtime/create-runtime.ts";
import {
  channelSettingsChoices,
  createDatabaseChannelSettingsStore,
} from "../surfaces/slack/channel-settings/settings-store.ts";
import { createDatabaseSlackStore } from "../surfaces/slack/database-slack-store.ts";
import { createDatabaseScheduleStore } from "../surfaces/slack/schedules/schedule-store.ts";
import type { SlackSurfaceOptions } from "../surfaces/slack/slack-surface-options.ts";
import { createDatabaseSpendLimitStore } from "../surfaces/slack/spend-limit-store.ts";
import { syncFileWatchRules } from "../surfaces/slack/watched-channels/file-watch-rules.ts";
import { createDatabaseWatchRuleStore } from "../surfaces/slack/watched-channels/watch-rule-store.ts";
import type { assembleRuntime } from "./assemble-runtime.ts";
import { githubWebhooks } from "./github/github-webhooks.ts";
import { createHealthCheck } from "./health.ts";
import type { createObservability } from "./observability.ts";
import { createSessionDiffs } from "./session-diffs.ts";

type Assembled = ReturnType<typeof assembleRuntime>;

/**
 * What `npm start`'s Slack surface is built from: its stores on the database, the runtime and its
 * health, channel settings, spend limits, schedules, watched channels, GitHub webhooks and, in
 * OAuth mode, the installations. The configuration file's watch rules are synced first.
 */
export async function slackSurfaceOptions(parts: {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  runtime: Runtime;
  queue: Assembled["queue"];
  workspaceManager: Assembled["workspaceManager"];
  audit: Assembled["audit"];
  observability: Awaited<ReturnType<typeof createObservability>>;
  api: SlackApi;
  installation: Pick<SlackSurfaceOptions, "installations" | "oauthInstall">;
}): Promise<SlackSurfaceOptions> {
  const { config, database, logger, runtime, queue, workspaceManager, audit, observability } = parts;
  const watchRules = createDatabaseWatchRuleStore(database.db);
  await syncFileWatchRules(watchRules, config.watch ?? []);
  return {
    config: config.slack,
    runtime,
    store: createDatabaseSlackStore(database.db),
    logger,
    health: createHealthCheck(database.db, queue),
    api: parts.api,
    metrics: observability.metrics,
    telemetry: observability.telemetry,
    watchRules,
    audit,
    channelSettings: {
      store: createDatabaseChannelSettingsStore(database.db),
      ...channelSettingsChoices(config, { repositories: workspaceManager !== undefined }),
    },
    spendLimits: createDatabaseSpendLimitStore(database.db, config.limits.spendLimits ?? {}),
    adminIds: config.approvals.adminIds ?? [],
    ...(workspaceManager ? { sessionDiffs: createSessionDiffs({ db: database.db, logger }) } : {}),
    schedules: {
      store: createDatabaseScheduleStore(database.db),
      approverIds: config.approvals.approverIds,
      fromFile: config.schedules,
    },
    webhooks: githubWebhooks({ config: config.git, db: database.db, logger }),
    ...parts.installation,
  };
}
