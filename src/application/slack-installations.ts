import { readFile } from "node:fs/promises";
import path from "node:path";
import { WebClient } from "@slack/web-api";
import type { Database } from "../adapters/database/open-database.ts";
import {
  installationsThatDoNotOpen,
  openSessionsOfInstallation,
} from "../adapters/database/slack-installations.ts";
import { TokenCipher } from "../adapters/database/token-cipher.ts";
import type { InstallationTokens } from "../adapters/slack/installation-tokens.ts";
import { createRoutedSlackApi, scopedSlackApi } from "../adapters/slack/routed-slack-api.ts";
import { SealedInstallationStore } from "../adapters/slack/sealed-installation-store.ts";
import { createSlackApi, webClientOptions } from "../adapters/slack/slack-api.ts";
import { createSlackFiles, type SlackFiles } from "../adapters/slack/slack-files.ts";
import { StoredInstallations } from "../adapters/slack/stored-installations.ts";
import type { Config } from "../config/config.ts";
import { decodeEncryptionKey } from "../config/encryption-key.ts";
import type { AuditRecorder } from "../domain/audit.ts";
import { ConfigurationError } from "../domain/errors.ts";
import type { TeamScope } from "../domain/team-scope.ts";
import type { Logger } from "../logger.ts";
import type { SlackSurfaceOptions } from "../surfaces/slack/slack-surface-options.ts";

const manifestPath = path.resolve(import.meta.dirname, "../../manifest.json");

/** The bot scopes manifest.json asks for: what the installer asks each workspace to grant. */
export async function manifestBotScopes(file = manifestPath): Promise<string[]> {
  const manifest = JSON.parse(await readFile(file, "utf8")) as {
    oauth_config?: { scopes?: { bot?: string[] } };
  };
  return manifest.oauth_config?.scopes?.bot ?? [];
}

/** The cipher for OAuth mode's tokens; a key that does not decode stops start-up (config refuses it first). */
export function tokenCipher(oauth: NonNullable<Config["slack"]["oauth"]>): TokenCipher {
  const key = decodeEncryptionKey(oauth.encryptionKey);
  if (!key)
    throw new ConfigurationError([
      "THREADWORK_ENCRYPTION_KEY must be 32 random bytes as 64 hex digits or base64",
    ]);
  return new TokenCipher(key);
}

/** Says at start which installations the configured key does not open (their workspaces get nothing). */
async function reportUnreadableInstallations(
  db: Database,
  cipher: TokenCipher,
  logger: Logger,
): Promise<void> {
  const { total, unreadable } = await installationsThatDoNotOpen(db, cipher);
  for (const { key, reason } of unreadable) logger.error({ installation: key }, reason);
  logger.info(
    { installations: total, unreadable: unreadable.length },
    "many workspaces: Slack's OAuth install at GET /slack/install",
  );
}

/**
 * `read_slack_file` with many installations: each session's files are found and fetched with its
 * own installation's token, and a session of no known installation is refused.
 */
export function slackFilesPerInstallation(
  installations: InstallationTokens,
  options: { apiUrl: string | undefined; logger: Logger },
): (scope: TeamScope | undefined) => SlackFiles {
  const router = createRoutedSlackApi({
    installations,
    createApi: () =>
      createSlackApi({ client: new WebClient(undefined, webClientOptions(options)), logger: options.logger }),
  });
  return (scope) =>
    createSlackFiles({
      api: scopedSlackApi(router, scope),
      botToken: async () => (await router.credentialsFor(scope, "files.download")).botToken,
      apiUrl: options.apiUrl,
    });
}

/**
 * In OAuth mode (SLACK_CLIENT_ID and the rest set), the Slack surface's installations and install
 * pages over the database; nothing in single-workspace mode.
 */
export async function slackInstallationOptions(options: {
  config: Config["slack"];
  db: Database;
  logger: Logger;
  audit?: AuditRecorder;
}): Promise<Pick<SlackSurfaceOptions, "installations" | "oauthInstall">> {
  const { config, db, logger } = options;
  const oauth = config.oauth;
  if (!oauth) return {};
  const cipher = tokenCipher(oauth);
  await reportUnreadableInstallations(db, cipher, logger);
  const installations = new StoredInstallations({
    db,
    cipher,
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    apiUrl: config.apiUrl,
    logger,
  });
  return {
    installations,
    oauthInstall: {
      config: oauth,
      store: new SealedInstallationStore(db, cipher),
      scopes: await manifestBotScopes(),
      ...(options.audit ? { audit: options.audit } : {}),
      allowedTeams: config.access?.teams ?? [],
      openSessions: (scope) => openSessionsOfInstallation(db, scope),
    },
  };
}
