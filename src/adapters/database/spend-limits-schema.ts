import { bigint, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { SpendLimitKind } from "../../domain/spend-limits.ts";

const at = (name: string) => timestamp(name, { withTimezone: true }).notNull().defaultNow();

/**
 * A team's own spend limits, set from Slack (`/threadwork limits`); they win over the configuration's.
 * `limit_key` is `<enterprise>/<team>/<kind>`, so a team has one of each kind.
 */
export const spendLimits = pgTable("spend_limits", {
  limitKey: text("limit_key").primaryKey(),
  teamId: text("team_id").notNull(),
  enterpriseId: text("enterprise_id"),
  kind: text("kind").$type<SpendLimitKind>().notNull(),
  amountMicros: bigint("amount_micros", { mode: "number" }).notNull(),
  setBy: text("set_by").notNull(),
  updatedAt: at("updated_at"),
});

/** What approvers added to one limit for one channel, team or person in one period (`spendLimitKey`). */
export const spendLimitExtensions = pgTable("spend_limit_extensions", {
  extensionKey: text("extension_key").primaryKey(),
  teamId: text("team_id").notNull(),
  enterpriseId: text("enterprise_id"),
  kind: text("kind").$type<SpendLimitKind>().notNull(),
  subject: text("subject").notNull(),
  periodKey: text("period_key").notNull(),
  extraMicros: bigint("extra_micros", { mode: "number" }).notNull(),
  extendedBy: text("extended_by").notNull(),
  updatedAt: at("updated_at"),
});

/** An alert sent to the admins: one row per limit, subject, period and threshold, whichever instance sent it. */
export const spendAlerts = pgTable("spend_alerts", {
  alertKey: text("alert_key").primaryKey(),
  teamId: text("team_id").notNull(),
  enterpriseId: text("enterprise_id"),
  kind: text("kind").$type<SpendLimitKind>().notNull(),
  subject: text("subject").notNull(),
  periodKey: text("period_key").notNull(),
  percent: integer("percent").notNull(),
  spentMicros: bigint("spent_micros", { mode: "number" }).notNull(),
  limitMicros: bigint("limit_micros", { mode: "number" }).notNull(),
  createdAt: at("created_at"),
});
