import { WebClient } from "@slack/web-api";
import type { TeamScope } from "../../domain/team-scope.ts";
import type { Logger } from "../../logger.ts";
import type { Database } from "../database/open-database.ts";
import {
  deleteOrgInstallation,
  deleteOwnInstallation,
  findInstallationKey,
  getInstallation,
  type InstallationRecord,
  updateInstallationLocked,
} from "../database/slack-installations.ts";
import type { TokenCipher } from "../database/token-cipher.ts";
import type { BotCredentials, InstallationTokens } from "./installation-tokens.ts";
import { webClientOptions } from "./slack-api.ts";
import { rotateToken } from "./token-rotation.ts";

interface StoredInstallationsOptions {
  db: Database;
  cipher: TokenCipher;
  clientId: string;
  clientSecret: string;
  apiUrl: string | undefined;
  logger: Logger;
  now?: () => Date;
  /** A rotating token expiring within this is refreshed before it is handed out (5 minutes). */
  refreshMarginMs?: number;
}

/** Slack's rotating tokens last 12 hours; five minutes covers any one call made with a token handed out. */
const defaultRefreshMarginMs = 5 * 60 * 1000;

/**
 * The installations of OAuth mode, from Postgres: the bot credentials of a team's own install or
 * its organization's org-wide one, with a rotating token refreshed once across instances (the
 * refresh runs under the row's lock, and a waiting instance re-reads the token it stored).
 */
export class StoredInstallations implements InstallationTokens {
  private readonly options: StoredInstallationsOptions;
  private readonly client: WebClient;
  private readonly now: () => Date;
  private readonly marginMs: number;

  constructor(options: StoredInstallationsOptions) {
    this.options = options;
    this.client = new WebClient(
      undefined,
      webClientOptions({ apiUrl: options.apiUrl, logger: options.logger }),
    );
    this.now = options.now ?? (() => new Date());
    this.marginMs = options.refreshMarginMs ?? defaultRefreshMarginMs;
  }

  async botFor(scope: TeamScope): Promise<BotCredentials | undefined> {
    const { db, cipher } = this.options;
    const key = await findInstallationKey(db, scope);
    if (!key) return undefined;
    let record = await getInstallation(db, cipher, key);
    if (record && this.expiring(record)) record = await this.refreshedOrStill(key, record);
    if (!record) return undefined;
    return {
      botToken: record.botToken,
      botUserId: record.botUserId,
      scope: { teamId: scope.teamId, enterpriseId: record.enterpriseId ?? scope.enterpriseId },
    };
  }

  /**
   * Deletes a team's own installation; an organization's org-wide one only when asked for the
   * organization itself (`teamId` empty), so one workspace's event never ends its whole org's install.
   */
  async remove(scope: TeamScope): Promise<void> {
    const { db } = this.options;
    if (scope.teamId === "") {
      if (scope.enterpriseId) await deleteOrgInstallation(db, scope.enterpriseId);
      return;
    }
    await deleteOwnInstallation(db, scope.teamId);
  }

  /** A refresh that fails leaves a token that has not expired yet in use; an expired one is an error. */
  private async refreshedOrStill(
    key: string,
    record: InstallationRecord,
  ): Promise<InstallationRecord | undefined> {
    const { db, cipher, logger } = this.options;
    try {
      return await updateInstallationLocked(db, cipher, key, (current) => this.refreshed(current));
    } catch (error) {
      const stillValid = record.botExpiresAt !== undefined && record.botExpiresAt > this.now();
      if (!stillValid) throw error;
      logger.warn(
        { err: error, installation: key },
        "could not refresh the bot token yet; it is used until it expires",
      );
      return record;
    }
  }

  private expiring(record: InstallationRecord): boolean {
    if (!record.botRefreshToken || !record.botExpiresAt) return false;
    return record.botExpiresAt.getTime() - this.now().getTime() < this.marginMs;
  }

  /** Under the row's lock: another instance may have refreshed it while this one waited. */
  private async refreshed(current: InstallationRecord): Promise<InstallationRecord | undefined> {
    if (!this.expiring(current) || !current.botRefreshToken) return undefined;
    const rotated = await rotateToken({
      client: this.client,
      clientId: this.options.clientId,
      clientSecret: this.options.clientSecret,
      refreshToken: current.botRefreshToken,
      installation: current.key,
      now: this.now(),
    });
    this.options.logger.info({ installation: current.key }, "rotated the installation's bot token");
    return {
      ...current,
      botToken: rotated.accessToken,
      botRefreshToken: rotated.refreshToken,
      botExpiresAt: rotated.expiresAt,
    };
  }
}
