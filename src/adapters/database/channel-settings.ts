import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { ChannelSettingName, ChannelSettings } from "../../domain/channel-settings.ts";
import { channelSettingNames } from "../../domain/channel-settings.ts";
import { approvalPolicies } from "../../domain/decision-rule.ts";
import { settingRoles } from "../../domain/session-settings.ts";
import type { TeamScope } from "../../domain/team-scope.ts";
import type { Database } from "./open-database.ts";
import { channelSettings } from "./schema.ts";

const ids = z.array(z.string());

export const channelSettingsSchema = z.object({
  repository: z.string().optional(),
  baseBranch: z.string().optional(),
  models: z.partialRecord(z.enum(settingRoles), z.string()).optional(),
  budgetUsd: z.number().positive().finite().optional(),
  approvers: ids.optional(),
  approvalPolicy: z.enum(approvalPolicies).optional(),
  starters: ids.optional(),
  mcpServers: ids.optional(),
  mcpTools: ids.optional(),
});

const changesSchema = z.array(z.object({ setting: z.enum(channelSettingNames), value: z.unknown() }));

/** One version of a channel's settings: what was in force from it on, and who made it. */
export interface ChannelSettingsVersion {
  channelId: string;
  version: number;
  settings: ChannelSettings;
  changes: { setting: ChannelSettingName; value: unknown }[];
  changedBy: string;
  changedAt: Date;
}

type Row = typeof channelSettings.$inferSelect;

function versionOf(row: Row): ChannelSettingsVersion {
  const settings = channelSettingsSchema.safeParse(row.settings);
  const changes = changesSchema.safeParse(row.changes);
  return {
    channelId: row.channelId,
    version: row.version,
    settings: settings.success ? settings.data : {},
    changes: changes.success ? changes.data : [],
    changedBy: row.changedBy,
    changedAt: row.changedAt,
  };
}

function ofChannel(scope: TeamScope, channelId: string) {
  return and(
    eq(channelSettings.teamId, scope.teamId),
    scope.enterpriseId === undefined
      ? isNull(channelSettings.enterpriseId)
      : eq(channelSettings.enterpriseId, scope.enterpriseId),
    eq(channelSettings.channelId, channelId),
  );
}

/** The settings in force in a channel of this team, or undefined when none were ever set. */
export async function currentChannelSettings(
  db: Database,
  scope: TeamScope,
  channelId: string,
): Promise<ChannelSettingsVersion | undefined> {
  const [row] = await db
    .select()
    .from(channelSettings)
    .where(ofChannel(scope, channelId))
    .orderBy(desc(channelSettings.version))
    .limit(1);
  return row ? versionOf(row) : undefined;
}

/** Newest first: every change of a channel's settings in this team. */
export async function channelSettingsHistory(
  db: Database,
  scope: TeamScope,
  channelId: string,
  limit = 50,
): Promise<ChannelSettingsVersion[]> {
  const rows = await db
    .select()
    .from(channelSettings)
    .where(ofChannel(scope, channelId))
    .orderBy(desc(channelSettings.version))
    .limit(limit);
  return rows.map(versionOf);
}

const uniqueViolation = "23505";

/**
 * Appends a version of a channel's settings (never changes an earlier one). Two admins saving
 * at once both get a version: the loser of the race takes the next number.
 */
export async function saveChannelSettings(
  db: Database,
  change: {
    scope: TeamScope;
    channelId: string;
    settings: ChannelSettings;
    changes: { setting: ChannelSettingName; value: unknown }[];
    changedBy: string;
  },
): Promise<ChannelSettingsVersion> {
  for (let attempt = 0; ; attempt += 1) {
    const current = await currentChannelSettings(db, change.scope, change.channelId);
    try {
      const [row] = await db
        .insert(channelSettings)
        .values({
          teamId: change.scope.teamId,
          enterpriseId: change.scope.enterpriseId ?? null,
          channelId: change.channelId,
          version: (current?.version ?? 0) + 1,
          settings: channelSettingsSchema.parse(change.settings),
          changes: change.changes,
          changedBy: change.changedBy,
          changedAt: sql`now()`,
        })
        .returning();
      if (!row) throw new Error("insert into channel_settings returned no row");
      return versionOf(row);
    } catch (error) {
      const code = (error as { code?: string; cause?: { code?: string } }).code;
      const causeCode = (error as { cause?: { code?: string } }).cause?.code;
      if (attempt < 5 && (code === uniqueViolation || causeCode === uniqueViolation)) continue;
      throw error;
    }
  }
}
