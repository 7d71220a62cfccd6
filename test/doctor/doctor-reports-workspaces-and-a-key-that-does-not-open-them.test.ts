import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "../../src/adapters/database/migrate.ts";
import { openDatabase } from "../../src/adapters/database/open-database.ts";
import { saveInstallation } from "../../src/adapters/database/slack-installations.ts";
import { TokenCipher } from "../../src/adapters/database/token-cipher.ts";
import { checkInstallations } from "../../src/application/doctor/check-installations.ts";
import { slackInstallationOptions } from "../../src/application/slack-installations.ts";
import { decodeEncryptionKey } from "../../src/config/encryption-key.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { ConfigurationError } from "../../src/domain/errors.ts";
import { collectingLogger } from "../helpers/collecting-logger.ts";
import { createEmptyPostgresDatabase } from "../helpers/database.ts";

const logger = pino({ level: "silent" });
const keyText = Buffer.alloc(32, 1).toString("base64");
const otherKeyText = "b".repeat(64);

function oauthEnvironment(overrides: Record<string, string | undefined> = {}) {
  return {
    SLACK_CLIENT_ID: "1111.2222",
    SLACK_CLIENT_SECRET: "client-secret",
    SLACK_STATE_SECRET: "state-secret",
    THREADWORK_ENCRYPTION_KEY: keyText,
    SLACK_SIGNING_SECRET: "signing-secret",
    ANTHROPIC_API_KEY: "sk-ant-test",
    ...overrides,
  };
}

function problemsOf(environment: Record<string, string | undefined>): string[] {
  try {
    loadConfig(environment, ["provider", "slack"]);
    return [];
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
}

describe("many workspaces at start and in the doctor", () => {
  let database: { url: string; drop(): Promise<void> };

  beforeAll(async () => {
    database = await createEmptyPostgresDatabase();
    const handle = await openDatabase({ url: database.url, dataDir: "", logger });
    await migrateDatabase(handle);
    await handle.close();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("starts without SLACK_BOT_TOKEN, but never without a well-formed key", () => {
    expect(problemsOf(oauthEnvironment())).toEqual([]);
    expect(problemsOf(oauthEnvironment({ THREADWORK_ENCRYPTION_KEY: undefined }))).toEqual([
      expect.stringMatching(
        /^THREADWORK_ENCRYPTION_KEY is missing: installations' tokens are stored encrypted/,
      ),
    ]);
    const malformed = problemsOf(oauthEnvironment({ THREADWORK_ENCRYPTION_KEY: "too-short-to-be-a-key" }));
    expect(malformed).toEqual([expect.stringMatching(/^THREADWORK_ENCRYPTION_KEY must be 32 random bytes/)]);
    expect(malformed.join("\n")).not.toContain("too-short-to-be-a-key");
    expect(problemsOf(oauthEnvironment({ SLACK_STATE_SECRET: undefined }))).toEqual([
      expect.stringMatching(/^SLACK_STATE_SECRET is missing/),
    ]);
    // Single-workspace mode is unchanged: no OAuth variable, and the bot token is required.
    expect(
      problemsOf({
        SLACK_SIGNING_SECRET: "signing-secret",
        ANTHROPIC_API_KEY: "sk-ant-test",
      }),
    ).toEqual([expect.stringMatching(/^SLACK_BOT_TOKEN is missing/)]);
  });

  it("reports the mode, the number of installations, and a key that does not open them", async () => {
    const config = (key: string) =>
      loadConfig({ ...oauthEnvironment({ THREADWORK_ENCRYPTION_KEY: key }), DATABASE_URL: database.url }, [
        "slack",
      ]);
    const none = await checkInstallations(config(keyText), { logger, databaseOpens: true });
    expect(none).toMatchObject({
      status: "warning",
      detail: expect.stringContaining("none has installed yet"),
    });

    const key = decodeEncryptionKey(keyText);
    if (!key) throw new Error("the test key must decode");
    const handle = await openDatabase({ url: database.url, dataDir: "", logger });
    await saveInstallation(handle.db, new TokenCipher(key), {
      key: "T0DOC",
      teamId: "T0DOC",
      enterpriseId: undefined,
      isEnterpriseInstall: false,
      appId: undefined,
      botId: undefined,
      botUserId: undefined,
      botScopes: [],
      botToken: "xoxb-doctor",
      botRefreshToken: undefined,
      botExpiresAt: undefined,
      userId: undefined,
      userToken: undefined,
      userRefreshToken: undefined,
      userExpiresAt: undefined,
      enterpriseUrl: undefined,
    });
    await handle.close();

    const one = await checkInstallations(config(keyText), { logger, databaseOpens: true });
    expect(one).toMatchObject({ status: "ok", detail: expect.stringContaining("1 installation,") });
    const wrong = await checkInstallations(config(otherKeyText), { logger, databaseOpens: true });
    expect(wrong).toMatchObject({ status: "problem", detail: expect.stringContaining("installation T0DOC") });

    // At start, the log names the installation the key does not open, and the mode is on.
    const logs = collectingLogger();
    const starting = await openDatabase({ url: database.url, dataDir: "", logger });
    const started = await slackInstallationOptions({
      config: config(otherKeyText).slack,
      db: starting.db,
      logger: logs.logger,
    });
    await starting.close();
    expect(started.installations).toBeDefined();
    expect(started.oauthInstall?.scopes).toContain("chat:write");
    expect(logs.lines.some((line) => line.includes("installation T0DOC cannot be decrypted"))).toBe(true);

    const single = await checkInstallations(
      loadConfig({ SLACK_BOT_TOKEN: "xoxb-one", SLACK_SIGNING_SECRET: "s", DATABASE_URL: database.url }, [
        "slack",
      ]),
      { logger, databaseOpens: true },
    );
    expect(single).toMatchObject({ status: "ok", detail: expect.stringContaining("one workspace") });
  });
});
