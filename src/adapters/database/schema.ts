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
import type { AgentRole, AgentStatus } from "../../domain/agents.ts";
import type { FeedbackValue } from "../../domain/feedback.ts";
import type { MessagePart, MessageRole } from "../../domain/messages.ts";
import type { RequestKind, RequestStatus } from "../../domain/requests.ts";
import type { ScheduleSource } from "../../domain/schedules.ts";
import type { ToolCallStatus, ToolRisk } from "../../domain/tool.ts";
import { createdAt, updatedAt } from "./columns.ts";

/** One conversation on a surface (a Slack thread, a terminal chat). */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    surface: text("surface").notNull(),
    /** The surface's own conversation id, e.g. `T123:C456:1700000000.000100`. */
    conversationKey: text("conversation_key").notNull(),
    ownerId: text("owner_id").notNull(),
    title: text("title").notNull().default(""),
    status: text("status").notNull().default("active"),
    /** Budget in micro-dollars; null means no budget. */
    budgetMicros: integer("budget_micros"),
    budgetTokens: integer("budget_tokens"),
    /** Surface data that is not a secret: channel, thread ts, team. */
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex("sessions_surface_conversation_key").on(table.surface, table.conversationKey),
    index("sessions_owner").on(table.ownerId, table.createdAt),
  ],
);

/**
 * A supervisor or a sub-agent. `step` counts persisted steps; every write of a step
 * checks and bumps it, so two runners can never both persist the same step.
 */
export const agents = pgTable(
  "agents",
  {
    id: text("id").primaryKey(),
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    parentId: text("parent_id"),
    role: text("role").$type<AgentRole>().notNull(),
    title: text("title").notNull(),
    brief: text("brief").notNull().default(""),
    model: text("model").notNull(),
    tier: text("tier").notNull().default("worker"),
    repo: text("repo"),
    status: text("status").$type<AgentStatus>().notNull(),
    statusReason: text("status_reason"),
    latestProgress: text("latest_progress"),
    result: jsonb("result").$type<Record<string, unknown>>(),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    cacheReadTokens: integer("cache_read_tokens").notNull().default(0),
    cacheWriteTokens: integer("cache_write_tokens").notNull().default(0),
    costMicros: integer("cost_micros").notNull().default(0),
    turns: integer("turns").notNull().default(0),
    step: integer("step").notNull().default(0),
    /** Bumped by every wake-up; a runner releases its lease only when it has seen the latest. */
    wakeSeq: integer("wake_seq").notNull().default(0),
    leaseOwner: text("lease_owner"),
    leaseExpiresAt: timestamp("lease_expires_at", { withTimezone: true }),
    deadlineAt: timestamp("deadline_at", { withTimezone: true }),
    /** A Workspace (src/domain/tool.ts); read it with `parseWorkspace`. */
    workspace: jsonb("workspace").$type<unknown>(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    index("agents_session").on(table.sessionId, table.createdAt),
    index("agents_status").on(table.status),
  ],
);

export const transcriptMessages = pgTable(
  "transcript_messages",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    agentId: text("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    role: text("role").$type<MessageRole>().notNull(),
    parts: jsonb("parts").$type<MessagePart[]>().notNull(),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex("transcript_messages_agent_seq").on(table.agentId, table.seq)],
);

/**
 * The mailbox. An event with a `targetAgentId` is input for that agent; one without
 * is for the surface. `consumedAt` marks an agent's event as read into its transcript.
 */
export const events = pgTable(
  "events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    sourceAgentId: text("source_agent_id"),
    targetAgentId: text("target_agent_id"),
    type: text("type").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull().default({}),
    consumedAt: timestamp("consumed_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [
    index("events_target_pending").on(table.targetAgentId, table.consumedAt, table.id),
    index("events_session").on(table.sessionId, table.id),
  ],
);

/** Shared context: every write adds a version; reads take the newest. */
export const contextEntries = pgTable(
  "context_entries",
  {
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    version: integer("version").notNull(),
    value: text("value").notNull(),
    authorAgentId: text("author_agent_id"),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.sessionId, table.key, table.version] })],
);

/** Questions, approvals and budget requests: a durable wait for a human's decision. */
export const requests = pgTable(
  "requests",
  {
    id: text("id").primaryKey(),
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    agentId: text("agent_id").notNull(),
    kind: text("kind").$type<RequestKind>().notNull(),
    /** The tool call that is waiting, so a resumed run finds its request instead of asking again. */
    toolCallId: text("tool_call_id"),
    prompt: text("prompt").notNull(),
    choices: jsonb("choices").$type<string[]>(),
    action: jsonb("action").$type<Record<string, unknown>>(),
    pattern: text("pattern"),
    status: text("status").$type<RequestStatus>().notNull().default("pending"),
    decision: text("decision"),
    answer: text("answer"),
    decidedBy: text("decided_by"),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex("requests_agent_tool_call").on(table.agentId, table.toolCallId),
    index("requests_session_status").on(table.sessionId, table.status),
  ],
);

/** "Always allow" rules: a tool and a pattern, for the rest of a session. */
export const approvalRules = pgTable(
  "approval_rules",
  {
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    toolName: text("tool_name").notNull(),
    pattern: text("pattern").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.sessionId, table.toolName, table.pattern] })],
);

/** Audit log. A row in `started` with no finish after a crash means the call was interrupted. */
export const toolCalls = pgTable(
  "tool_calls",
  {
    agentId: text("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    toolCallId: text("tool_call_id").notNull(),
    sessionId: text("session_id").notNull(),
    toolName: text("tool_name").notNull(),
    input: jsonb("input").notNull(),
    risk: text("risk").$type<ToolRisk>().notNull(),
    status: text("status").$type<ToolCallStatus>().notNull(),
    output: text("output"),
    isError: boolean("is_error").notNull().default(false),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (table) => [
    primaryKey({ columns: [table.agentId, table.toolCallId] }),
    index("tool_calls_session").on(table.sessionId, table.startedAt),
  ],
);

/** One row per model turn; `step` makes a turn's usage count once. */
export const usageLedger = pgTable(
  "usage_ledger",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    sessionId: text("session_id").notNull(),
    agentId: text("agent_id").notNull(),
    step: integer("step").notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    inputTokens: integer("input_tokens").notNull(),
    outputTokens: integer("output_tokens").notNull(),
    cacheReadTokens: integer("cache_read_tokens").notNull(),
    cacheWriteTokens: integer("cache_write_tokens").notNull(),
    costMicros: integer("cost_micros").notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex("usage_ledger_agent_step").on(table.agentId, table.step),
    index("usage_ledger_session").on(table.sessionId),
    index("usage_ledger_created").on(table.createdAt),
  ],
);

/** Inbound event ids already handled (Slack retries, duplicate deliveries). */
export const processedEvents = pgTable(
  "processed_events",
  {
    source: text("source").notNull(),
    eventId: text("event_id").notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.source, table.eventId] })],
);

/** Messages a surface posted for a session, by purpose, so a restart edits instead of posting again. */
export const surfaceMessages = pgTable(
  "surface_messages",
  {
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    purpose: text("purpose").notNull(),
    channel: text("channel").notNull(),
    externalId: text("external_id").notNull(),
    contentHash: text("content_hash"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [primaryKey({ columns: [table.sessionId, table.purpose] })],
);

/** How people rated a session's answers with the feedback buttons: one rating per person and message. */
export const sessionFeedback = pgTable(
  "session_feedback",
  {
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    /** The rated message, e.g. a Slack `ts`. */
    messageId: text("message_id").notNull(),
    userId: text("user_id").notNull(),
    value: text("value").$type<FeedbackValue>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [primaryKey({ columns: [table.sessionId, table.messageId, table.userId] })],
);

/**
 * Fixed-window counters of thread replies from people who may not steer a session (per session,
 * per person, and the notices they were sent), shared by every instance on the database.
 */
export const replyWindows = pgTable("reply_windows", {
  /** What is counted, e.g. `session:ses_…` or `person:slack:U123`. */
  key: text("key").primaryKey(),
  windowStartedAt: timestamp("window_started_at", { withTimezone: true }).notNull(),
  count: integer("count").notNull(),
});

/**
 * The MCP tools an agent was offered, listed once when it first needed them and kept for its
 * life: every later step and every other instance reads these, so the prompt's tool list stays
 * the same bytes (prompt caching) even when a server's list changes.
 */
export const agentMcpListings = pgTable("agent_mcp_listings", {
  agentId: text("agent_id")
    .primaryKey()
    .references(() => agents.id, { onDelete: "cascade" }),
  /** `McpServerListing[]`, each server's tools and instructions as listed, secrets redacted. */
  listings: jsonb("listings").notNull(),
  /** `{ server, reason }[]`: servers that could not be listed; the agent goes without their tools. */
  unavailable: jsonb("unavailable").notNull(),
  createdAt: createdAt(),
});

/**
 * Recurring and one-time tasks. Every instance polls for rows whose `next_run_at` has come and
 * claims one by moving `next_run_at` on only if it still holds the value it read, so a run starts
 * once however many instances poll.
 */
export const schedules = pgTable(
  "schedules",
  {
    id: text("id").primaryKey(),
    /** `slack` or `file`: a file schedule is upserted at start and cannot be deleted from Slack. */
    source: text("source").$type<ScheduleSource>().notNull(),
    ownerId: text("owner_id").notNull(),
    channel: text("channel").notNull(),
    /** The Slack installation whose token a run uses (many installations); null for one bot token. */
    teamId: text("team_id"),
    enterpriseId: text("enterprise_id"),
    timeZone: text("time_zone").notNull(),
    phrase: text("phrase").notNull(),
    /** `ScheduleWhen`: `{ kind: "cron", cron }` or `{ kind: "once", date, time }`. */
    when: jsonb("when").notNull(),
    text: text("text").notNull(),
    /** The message announcing the schedule in its channel, which each run's first line links to. */
    link: text("link"),
    paused: boolean("paused").notNull().default(false),
    nextRunAt: timestamp("next_run_at", { withTimezone: true }),
    lastRunAt: timestamp("last_run_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    index("schedules_next_run_at_idx").on(table.nextRunAt),
    index("schedules_owner_idx").on(table.ownerId),
  ],
);

/** A watched-channel rule: its definition (bots, pattern, reaction, request, limits) and state. */
export const watchRules = pgTable("watch_rules", {
  id: text("id").primaryKey(),
  channel: text("channel").notNull(),
  ownerId: text("owner_id").notNull(),
  /** `file` (the configuration file) or `command` (`/threadwork watch`). */
  source: text("source").notNull(),
  definition: jsonb("definition").notNull(),
  status: text("status").notNull().default("active"),
  closedReason: text("closed_reason"),
  consecutiveFailures: integer("consecutive_failures").notNull().default(0),
  createdAt: createdAt(),
});

/** One session a watch rule started, and how many identical alerts repeated it since. */
export const watchTriggers = pgTable(
  "watch_triggers",
  {
    id: text("id").primaryKey(),
    ruleId: text("rule_id").notNull(),
    fingerprint: text("fingerprint").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    threadTs: text("thread_ts"),
    sessionId: text("session_id"),
    repeats: integer("repeats").notNull().default(0),
  },
  (table) => [index("watch_triggers_rule_started").on(table.ruleId, table.startedAt)],
);

export { spendAlerts, spendLimitExtensions, spendLimits } from "./spend-limits-schema.ts";
export {
  auditEntries,
  channelSettings,
  slackInstallations,
  threadHistoryReads,
  threadMessages,
} from "./teams-schema.ts";
