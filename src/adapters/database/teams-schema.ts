import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns.ts";

/**
 * The tables of many teams: installations, channel settings, the audit trail and the messages kept
 * of the threads Threadwork serves. Each row names its team (`team_id`, and `enterprise_id` in an
 * Enterprise Grid organization); schema.ts re-exports them for drizzle-kit.
 */

/**
 * The audit trail: every decision and change, with who, when, where and what. Append-only: the
 * migration adds a trigger that refuses UPDATE, DELETE and TRUNCATE, so the application's own
 * connection can only insert and read. `key` makes a recording idempotent when its caller has one.
 */
export const auditEntries = pgTable(
  "audit_entries",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    teamId: text("team_id").notNull(),
    enterpriseId: text("enterprise_id"),
    action: text("action").notNull(),
    actorId: text("actor_id").notNull(),
    channelId: text("channel_id"),
    sessionId: text("session_id"),
    detail: text("detail").notNull(),
    key: text("key").unique("audit_entries_key"),
  },
  (table) => [index("audit_entries_team_at").on(table.teamId, table.at)],
);

/**
 * Messages of threads Threadwork serves, kept with the session: every message event it received
 * there, and the earlier ones read once with `conversations.replies`. A session resumed, continued
 * or restarted reads these instead of asking Slack again. Scoped by installation (`TeamScope`).
 */
export const threadMessages = pgTable(
  "thread_messages",
  {
    teamId: text("team_id").notNull(),
    enterpriseId: text("enterprise_id"),
    channel: text("channel").notNull(),
    threadTs: text("thread_ts").notNull(),
    ts: text("ts").notNull(),
    userId: text("user_id"),
    author: text("author").notNull(),
    bot: boolean("bot").notNull().default(false),
    /** Redacted as the transcript redacts a message. */
    text: text("text").notNull(),
    /** `{ id, name }[]`, names redacted. */
    files: jsonb("files").$type<{ id: string; name: string }[]>().notNull().default([]),
    /** `event` or `history`. */
    source: text("source").notNull(),
    sessionId: text("session_id"),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex("thread_messages_team_channel_ts").on(table.teamId, table.channel, table.ts),
    index("thread_messages_thread").on(table.teamId, table.channel, table.threadTs),
  ],
);

/** Threads whose earlier messages were read once (`conversations.replies`): never read again. */
export const threadHistoryReads = pgTable(
  "thread_history_reads",
  {
    teamId: text("team_id").notNull(),
    enterpriseId: text("enterprise_id"),
    channel: text("channel").notNull(),
    threadTs: text("thread_ts").notNull(),
    /** False when Slack's rate limit cut the reading short after its first page. */
    complete: boolean("complete").notNull(),
    readAt: timestamp("read_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.teamId, table.channel, table.threadTs] })],
);

/**
 * A channel's settings (`/threadwork settings`), one row per change: the newest version is in
 * force, and the rows before it are the history (who changed which setting to what, and when).
 * Scoped by team: every query names `team_id` (and `enterprise_id`).
 */
export const channelSettings = pgTable(
  "channel_settings",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    teamId: text("team_id").notNull(),
    enterpriseId: text("enterprise_id"),
    channelId: text("channel_id").notNull(),
    version: integer("version").notNull(),
    /** `ChannelSettings`: every setting in force from this version on. */
    settings: jsonb("settings").notNull(),
    /** `{ setting, value }[]`: what this version changed. */
    changes: jsonb("changes").notNull(),
    changedBy: text("changed_by").notNull(),
    changedAt: timestamp("changed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("channel_settings_team_channel_version").on(table.teamId, table.channelId, table.version),
  ],
);

/**
 * A Slack installation (OAuth mode): keyed by the enterprise id for an org-wide install and by
 * the team id otherwise. Tokens are sealed with THREADWORK_ENCRYPTION_KEY (`token-cipher.ts`,
 * key id in `key_id`); nothing here holds a token in clear.
 */
export const slackInstallations = pgTable(
  "slack_installations",
  {
    /** `E…` for an org-wide install, `T…` otherwise. */
    installationKey: text("installation_key").primaryKey(),
    teamId: text("team_id"),
    enterpriseId: text("enterprise_id"),
    isEnterpriseInstall: boolean("is_enterprise_install").notNull(),
    appId: text("app_id"),
    botId: text("bot_id"),
    botUserId: text("bot_user_id"),
    botScopes: text("bot_scopes").notNull().default(""),
    botTokenSealed: text("bot_token_sealed").notNull(),
    botRefreshTokenSealed: text("bot_refresh_token_sealed"),
    botExpiresAt: timestamp("bot_expires_at", { withTimezone: true }),
    userId: text("user_id"),
    userTokenSealed: text("user_token_sealed"),
    userRefreshTokenSealed: text("user_refresh_token_sealed"),
    userExpiresAt: timestamp("user_expires_at", { withTimezone: true }),
    enterpriseUrl: text("enterprise_url"),
    /** Which THREADWORK_ENCRYPTION_KEY sealed the tokens. */
    keyId: text("key_id").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index("slack_installations_enterprise").on(table.enterpriseId)],
);
