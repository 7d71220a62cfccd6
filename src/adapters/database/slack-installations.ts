import { and, count, eq, ne, or, sql } from "drizzle-orm";
import type { TeamScope } from "../../domain/team-scope.ts";
import type { Database } from "./open-database.ts";
import { sessions, slackInstallations } from "./schema.ts";
import type { TokenCipher } from "./token-cipher.ts";

/** A Slack installation with its tokens in clear: only ever in memory, sealed when stored. */
export interface InstallationRecord {
  /** The enterprise id for an org-wide install, the team id otherwise. */
  key: string;
  teamId: string | undefined;
  enterpriseId: string | undefined;
  isEnterpriseInstall: boolean;
  appId: string | undefined;
  botId: string | undefined;
  botUserId: string | undefined;
  botScopes: string[];
  botToken: string;
  botRefreshToken: string | undefined;
  botExpiresAt: Date | undefined;
  userId: string | undefined;
  userToken: string | undefined;
  userRefreshToken: string | undefined;
  userExpiresAt: Date | undefined;
  enterpriseUrl: string | undefined;
}

type Row = typeof slackInstallations.$inferSelect;

/** The key an installation is stored under: its organization for an org-wide install, else its team. */
export function installationKey(scope: {
  teamId: string | undefined;
  enterpriseId: string | undefined;
  isEnterpriseInstall: boolean;
}): string {
  const key = scope.isEnterpriseInstall ? scope.enterpriseId : scope.teamId;
  if (!key) throw new Error("an installation needs a team id, or an enterprise id when org-wide");
  return key;
}

function sealed(cipher: TokenCipher, key: string, field: string, value: string | undefined): string | null {
  return value === undefined ? null : cipher.seal(value, key, field);
}

function opened(cipher: TokenCipher, key: string, field: string, value: string | null): string | undefined {
  return value === null ? undefined : cipher.open(value, key, field);
}

function toRow(cipher: TokenCipher, record: InstallationRecord): Row {
  const { key } = record;
  const now = new Date();
  return {
    installationKey: key,
    teamId: record.teamId ?? null,
    enterpriseId: record.enterpriseId ?? null,
    isEnterpriseInstall: record.isEnterpriseInstall,
    appId: record.appId ?? null,
    botId: record.botId ?? null,
    botUserId: record.botUserId ?? null,
    botScopes: record.botScopes.join(","),
    botTokenSealed: cipher.seal(record.botToken, key, "bot token"),
    botRefreshTokenSealed: sealed(cipher, key, "bot refresh token", record.botRefreshToken),
    botExpiresAt: record.botExpiresAt ?? null,
    userId: record.userId ?? null,
    userTokenSealed: sealed(cipher, key, "user token", record.userToken),
    userRefreshTokenSealed: sealed(cipher, key, "user refresh token", record.userRefreshToken),
    userExpiresAt: record.userExpiresAt ?? null,
    enterpriseUrl: record.enterpriseUrl ?? null,
    keyId: cipher.keyId,
    createdAt: now,
    updatedAt: now,
  };
}

function toRecord(cipher: TokenCipher, row: Row): InstallationRecord {
  const key = row.installationKey;
  return {
    key,
    teamId: row.teamId ?? undefined,
    enterpriseId: row.enterpriseId ?? undefined,
    isEnterpriseInstall: row.isEnterpriseInstall,
    appId: row.appId ?? undefined,
    botId: row.botId ?? undefined,
    botUserId: row.botUserId ?? undefined,
    botScopes: row.botScopes === "" ? [] : row.botScopes.split(","),
    botToken: cipher.open(row.botTokenSealed, key, "bot token"),
    botRefreshToken: opened(cipher, key, "bot refresh token", row.botRefreshTokenSealed),
    botExpiresAt: row.botExpiresAt ?? undefined,
    userId: row.userId ?? undefined,
    userToken: opened(cipher, key, "user token", row.userTokenSealed),
    userRefreshToken: opened(cipher, key, "user refresh token", row.userRefreshTokenSealed),
    userExpiresAt: row.userExpiresAt ?? undefined,
    enterpriseUrl: row.enterpriseUrl ?? undefined,
  };
}

/** Stores an installation, replacing the one under the same key (a reinstall). */
export async function saveInstallation(
  db: Database,
  cipher: TokenCipher,
  record: InstallationRecord,
): Promise<void> {
  const { createdAt: _createdAt, ...values } = toRow(cipher, record);
  await db
    .insert(slackInstallations)
    .values(values)
    .onConflictDoUpdate({
      target: slackInstallations.installationKey,
      set: { ...values, updatedAt: sql`now()` },
    });
}

/** The installation under one key, opened; undefined when there is none. */
export async function getInstallation(
  db: Database,
  cipher: TokenCipher,
  key: string,
): Promise<InstallationRecord | undefined> {
  const [row] = await db.select().from(slackInstallations).where(eq(slackInstallations.installationKey, key));
  return row ? toRecord(cipher, row) : undefined;
}

/**
 * The installation that serves a team: its own install, else its organization's org-wide
 * install (which serves every workspace of the org, including ones added after it).
 */
export async function findInstallationKey(db: Database, scope: TeamScope): Promise<string | undefined> {
  const [own] = await db
    .select({ key: slackInstallations.installationKey })
    .from(slackInstallations)
    .where(
      and(
        eq(slackInstallations.installationKey, scope.teamId),
        eq(slackInstallations.isEnterpriseInstall, false),
      ),
    );
  if (own) return own.key;
  if (!scope.enterpriseId) return undefined;
  const [org] = await db
    .select({ key: slackInstallations.installationKey })
    .from(slackInstallations)
    .where(
      and(
        eq(slackInstallations.installationKey, scope.enterpriseId),
        eq(slackInstallations.isEnterpriseInstall, true),
      ),
    );
  return org?.key;
}

/** Deletes a workspace's own installation, never its organization's. */
export async function deleteOwnInstallation(db: Database, teamId: string): Promise<boolean> {
  const deleted = await db
    .delete(slackInstallations)
    .where(
      and(eq(slackInstallations.installationKey, teamId), eq(slackInstallations.isEnterpriseInstall, false)),
    )
    .returning({ key: slackInstallations.installationKey });
  return deleted.length > 0;
}

/** Deletes an organization's org-wide installation. */
export async function deleteOrgInstallation(db: Database, enterpriseId: string): Promise<boolean> {
  const deleted = await db
    .delete(slackInstallations)
    .where(
      and(
        eq(slackInstallations.installationKey, enterpriseId),
        eq(slackInstallations.isEnterpriseInstall, true),
      ),
    )
    .returning({ key: slackInstallations.installationKey });
  return deleted.length > 0;
}

export async function countInstallations(db: Database): Promise<number> {
  const [row] = await db.select({ total: count() }).from(slackInstallations);
  return row?.total ?? 0;
}

/**
 * Runs `update` on the installation while its row is locked (`SELECT … FOR UPDATE`), and stores
 * what it returns: a second instance waits for the first, then sees its refreshed tokens.
 * `update` returns undefined to keep the row as it is.
 */
export async function updateInstallationLocked(
  db: Database,
  cipher: TokenCipher,
  key: string,
  update: (record: InstallationRecord) => Promise<InstallationRecord | undefined>,
): Promise<InstallationRecord | undefined> {
  return db.transaction(async (transaction) => {
    const [row] = await transaction
      .select()
      .from(slackInstallations)
      .where(eq(slackInstallations.installationKey, key))
      .for("update");
    if (!row) return undefined;
    const current = toRecord(cipher, row);
    const next = await update(current);
    if (!next) return current;
    const { createdAt: _createdAt, ...values } = toRow(cipher, next);
    await transaction
      .update(slackInstallations)
      .set({ ...values, updatedAt: sql`now()` })
      .where(eq(slackInstallations.installationKey, key));
    return next;
  });
}

/**
 * The open Slack sessions of a workspace (conversation keys start `T…:`) or, for an org-wide
 * install, of every workspace whose sessions name the organization in their metadata.
 */
export async function openSessionsOfInstallation(
  db: Database,
  scope: { teamId: string | undefined; enterpriseId: string | undefined },
): Promise<{ id: string; ownerId: string }[]> {
  const byTeam = scope.teamId
    ? sql`starts_with(${sessions.conversationKey}, ${`${scope.teamId}:`})`
    : sql`false`;
  const byOrg = scope.enterpriseId
    ? sql`${sessions.metadata}->>'enterpriseId' = ${scope.enterpriseId}`
    : sql`false`;
  return db
    .select({ id: sessions.id, ownerId: sessions.ownerId })
    .from(sessions)
    .where(and(eq(sessions.surface, "slack"), ne(sessions.status, "closed"), or(byTeam, byOrg)));
}

/** Each installation's key with whether its tokens open with `cipher`, and why not. */
export async function installationsThatDoNotOpen(
  db: Database,
  cipher: TokenCipher,
): Promise<{ total: number; unreadable: { key: string; reason: string }[] }> {
  const rows = await db.select().from(slackInstallations);
  const unreadable: { key: string; reason: string }[] = [];
  for (const row of rows) {
    try {
      toRecord(cipher, row);
    } catch (error) {
      unreadable.push({
        key: row.installationKey,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { total: rows.length, unreadable };
}
