import type { Installation, InstallationQuery, InstallationStore } from "@slack/oauth";
import type { Database } from "../database/open-database.ts";
import {
  deleteOrgInstallation,
  deleteOwnInstallation,
  findInstallationKey,
  getInstallation,
  type InstallationRecord,
  installationKey,
  saveInstallation,
} from "../database/slack-installations.ts";
import type { TokenCipher } from "../database/token-cipher.ts";

function seconds(date: Date | undefined): number | undefined {
  return date === undefined ? undefined : Math.floor(date.getTime() / 1000);
}

function date(epochSeconds: number | undefined): Date | undefined {
  return epochSeconds === undefined ? undefined : new Date(epochSeconds * 1000);
}

/** What `@slack/oauth` hands over after an install, as the record the database seals. */
export function installationRecord(installation: Installation): InstallationRecord {
  const { bot, user } = installation;
  if (!bot) throw new Error("the installation holds no bot token: the app asks for bot scopes only");
  const scope = {
    teamId: installation.team?.id,
    enterpriseId: installation.enterprise?.id,
    isEnterpriseInstall: installation.isEnterpriseInstall ?? false,
  };
  return {
    key: installationKey(scope),
    ...scope,
    appId: installation.appId,
    botId: bot.id,
    botUserId: bot.userId,
    botScopes: bot.scopes,
    botToken: bot.token,
    botRefreshToken: bot.refreshToken,
    botExpiresAt: date(bot.expiresAt),
    userId: user.id,
    userToken: user.token,
    userRefreshToken: user.refreshToken,
    userExpiresAt: date(user.expiresAt),
    enterpriseUrl: installation.enterpriseUrl,
  };
}

function installationOf(record: InstallationRecord): Installation {
  return {
    team: record.teamId ? { id: record.teamId } : undefined,
    enterprise: record.enterpriseId ? { id: record.enterpriseId } : undefined,
    isEnterpriseInstall: record.isEnterpriseInstall,
    appId: record.appId,
    enterpriseUrl: record.enterpriseUrl,
    authVersion: "v2",
    bot: {
      id: record.botId ?? "",
      userId: record.botUserId ?? "",
      scopes: record.botScopes,
      token: record.botToken,
      refreshToken: record.botRefreshToken,
      expiresAt: seconds(record.botExpiresAt),
    },
    user: {
      id: record.userId ?? "",
      token: record.userToken,
      refreshToken: record.userRefreshToken,
      expiresAt: seconds(record.userExpiresAt),
      scopes: undefined,
    },
  } as Installation;
}

/** `@slack/oauth`'s installation store over the sealed `slack_installations` table. */
export class SealedInstallationStore implements InstallationStore {
  private readonly db: Database;
  private readonly cipher: TokenCipher;

  constructor(db: Database, cipher: TokenCipher) {
    this.db = db;
    this.cipher = cipher;
  }

  async storeInstallation(installation: Installation): Promise<void> {
    await saveInstallation(this.db, this.cipher, installationRecord(installation));
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation> {
    const key = await this.keyOf(query);
    const record = key ? await getInstallation(this.db, this.cipher, key) : undefined;
    if (!record)
      throw new Error(`no Slack installation for ${query.teamId ?? query.enterpriseId ?? "that team"}`);
    return installationOf(record);
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    if (query.isEnterpriseInstall) {
      if (query.enterpriseId) await deleteOrgInstallation(this.db, query.enterpriseId);
    } else if (query.teamId) await deleteOwnInstallation(this.db, query.teamId);
  }

  private async keyOf(query: InstallationQuery<boolean>): Promise<string | undefined> {
    if (query.isEnterpriseInstall) return query.enterpriseId;
    if (!query.teamId) return undefined;
    return findInstallationKey(this.db, { teamId: query.teamId, enterpriseId: query.enterpriseId });
  }
}
