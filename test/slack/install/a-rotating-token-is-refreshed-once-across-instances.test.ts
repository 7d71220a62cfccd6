import { WebClient } from "@slack/web-api";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "../../../src/adapters/database/migrate.ts";
import { type DatabaseHandle, openDatabase } from "../../../src/adapters/database/open-database.ts";
import { saveInstallation } from "../../../src/adapters/database/slack-installations.ts";
import { TokenCipher } from "../../../src/adapters/database/token-cipher.ts";
import { StoredInstallations } from "../../../src/adapters/slack/stored-installations.ts";
import { decodeEncryptionKey } from "../../../src/config/encryption-key.ts";
import { FakeSlackServer } from "../../fakes/fake-slack-server.ts";
import { createEmptyPostgresDatabase, createTestDatabase } from "../../helpers/database.ts";
import { installedWorkspace } from "../../helpers/installed-workspace.ts";

const logger = pino({ level: "silent" });
const key = decodeEncryptionKey(Buffer.alloc(32, 3).toString("base64"));
if (!key) throw new Error("the test key must decode");
const cipher = new TokenCipher(key);

describe("a rotating bot token on two instances", () => {
  let slack: FakeSlackServer;
  let database: { url: string; drop(): Promise<void> };
  const instances: DatabaseHandle[] = [];

  beforeAll(async () => {
    slack = await FakeSlackServer.start();
    database = await createEmptyPostgresDatabase();
    for (let index = 0; index < 2; index += 1) {
      instances.push(await openDatabase({ url: database.url, dataDir: "", logger }));
    }
    const first = instances[0];
    if (first) await migrateDatabase(first);
  });
  afterAll(async () => {
    for (const instance of instances) await instance.close();
    await database?.drop();
    await slack?.close();
  });

  function tokensOf(instance: DatabaseHandle, clientSecret = slack.oauth.clientSecret) {
    return new StoredInstallations({
      db: instance.db,
      cipher,
      clientId: slack.oauth.clientId,
      clientSecret,
      apiUrl: slack.apiUrl,
      logger,
    });
  }

  it("is refreshed by exactly one instance, and both go on working with the new token", async () => {
    // Inside the refresh margin at once: Slack's real tokens live 12 hours.
    slack.oauth.tokenLifetimeSeconds = 120;
    const installed = await installedWorkspace(slack, { teamId: "T0ROT" });
    await saveInstallation(instances[0]?.db ?? expect.fail(), cipher, installed);
    slack.oauth.tokenLifetimeSeconds = 12 * 3600;

    const [one, two] = instances.map((instance) => tokensOf(instance));
    const scope = { teamId: "T0ROT", enterpriseId: undefined };
    const credentials = await Promise.all([one?.botFor(scope), two?.botFor(scope), one?.botFor(scope)]);

    const refreshes = slack.oauth.exchanges.filter((exchange) => exchange.grantType === "refresh_token");
    expect(refreshes).toEqual([{ grantType: "refresh_token", ok: true }]);
    const tokens = new Set(credentials.map((credential) => credential?.botToken));
    expect(tokens.size).toBe(1);
    const [token] = tokens;
    expect(token).not.toBe(installed.botToken);
    for (const credential of credentials) {
      const client = new WebClient(credential?.botToken, { slackApiUrl: slack.apiUrl });
      const answer = await client.chat.postMessage({ channel: "C0ROT", text: "still working" });
      expect(answer.ok).toBe(true);
    }
    expect(slack.callsTo("chat.postMessage").map((call) => call.teamId)).toEqual(["T0ROT", "T0ROT", "T0ROT"]);
    // Not refreshed again while the new token is fresh.
    await two?.botFor(scope);
    expect(slack.oauth.exchanges.filter((exchange) => exchange.grantType === "refresh_token")).toHaveLength(
      1,
    );
  });

  it("keeps a token that has not expired when a refresh fails, and fails with a typed error once it has", async () => {
    slack.oauth.tokenLifetimeSeconds = 120;
    const installed = await installedWorkspace(slack, { teamId: "T0BAD" });
    const db = instances[0]?.db ?? expect.fail();
    await saveInstallation(db, cipher, installed);
    const wrongSecret = tokensOf(instances[1] ?? expect.fail(), "not-the-secret");
    const scope = { teamId: "T0BAD", enterpriseId: undefined };
    expect((await wrongSecret.botFor(scope))?.botToken).toBe(installed.botToken);

    await saveInstallation(db, cipher, { ...installed, botExpiresAt: new Date(Date.now() - 1000) });
    await expect(wrongSecret.botFor(scope)).rejects.toThrow(/installation T0BAD: bad_client_secret/);
  });
});

describe("a rotating bot token on the embedded database", () => {
  let slack: FakeSlackServer;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    slack = await FakeSlackServer.start();
    handle = await createTestDatabase("pglite");
  });
  afterAll(async () => {
    await handle?.close();
    await slack?.close();
  });

  it("is refreshed once when two stores ask for it at the same time", async () => {
    slack.oauth.tokenLifetimeSeconds = 120;
    const installed = await installedWorkspace(slack, { teamId: "T0LITE" });
    await saveInstallation(handle.db, cipher, installed);
    slack.oauth.tokenLifetimeSeconds = 12 * 3600;
    const stores = [0, 1].map(
      () =>
        new StoredInstallations({
          db: handle.db,
          cipher,
          clientId: slack.oauth.clientId,
          clientSecret: slack.oauth.clientSecret,
          apiUrl: slack.apiUrl,
          logger,
        }),
    );
    const scope = { teamId: "T0LITE", enterpriseId: undefined };
    const credentials = await Promise.all(stores.map((store) => store.botFor(scope)));
    expect(slack.oauth.exchanges.filter((exchange) => exchange.grantType === "refresh_token")).toEqual([
      { grantType: "refresh_token", ok: true },
    ]);
    expect(new Set(credentials.map((credential) => credential?.botToken)).size).toBe(1);
  });
});
