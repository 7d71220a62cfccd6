import { sql } from "drizzle-orm";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import {
  countInstallations,
  getInstallation,
  type InstallationRecord,
  saveInstallation,
} from "../../src/adapters/database/slack-installations.ts";
import { TokenCipher, TokenDecryptionError } from "../../src/adapters/database/token-cipher.ts";
import { StoredInstallations } from "../../src/adapters/slack/stored-installations.ts";
import { decodeEncryptionKey } from "../../src/config/encryption-key.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";
import { tablesHolding } from "../helpers/tables-holding.ts";

const key = decodeEncryptionKey("a".repeat(64));
const otherKey = decodeEncryptionKey(Buffer.alloc(32, 7).toString("base64"));
if (!key || !otherKey) throw new Error("test keys must decode");

function installation(overrides: Partial<InstallationRecord>): InstallationRecord {
  return {
    key: "T0A",
    teamId: "T0A",
    enterpriseId: undefined,
    isEnterpriseInstall: false,
    appId: "A0APP",
    botId: "B0A",
    botUserId: "U0BOTA",
    botScopes: ["chat:write"],
    botToken: "xoxb-secret-bot-token-A",
    botRefreshToken: "xoxe-1-secret-refresh-A",
    botExpiresAt: new Date(Date.now() + 12 * 3600 * 1000),
    userId: "U0INSTALLER",
    userToken: "xoxp-secret-user-token-A",
    userRefreshToken: undefined,
    userExpiresAt: undefined,
    enterpriseUrl: undefined,
    ...overrides,
  };
}

describe.each(backends)("installations on %s", (backend) => {
  let handle: DatabaseHandle;
  const cipher = new TokenCipher(key);
  const stored = () =>
    new StoredInstallations({
      db: handle.db,
      cipher,
      clientId: "1111.2222",
      clientSecret: "unused",
      apiUrl: "http://127.0.0.1:9/api/",
      logger: pino({ level: "silent" }),
    });

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("keeps no token in clear in any column of any table", async () => {
    await saveInstallation(handle.db, cipher, installation({}));
    for (const secret of ["xoxb-secret-bot-token-A", "xoxe-1-secret-refresh-A", "xoxp-secret-user-token-A"]) {
      expect(await tablesHolding(handle.db, secret)).toEqual([]);
    }
    // The scan does find what is there.
    expect(await tablesHolding(handle.db, "U0BOTA")).toEqual(["public.slack_installations"]);
    const opened = await getInstallation(handle.db, cipher, "T0A");
    expect(opened?.botToken).toBe("xoxb-secret-bot-token-A");
    expect(opened?.userToken).toBe("xoxp-secret-user-token-A");
  });

  it("refuses to open tokens with another key, naming the installation", async () => {
    await saveInstallation(handle.db, cipher, installation({ key: "T0WRONG", teamId: "T0WRONG" }));
    const wrong = new TokenCipher(otherKey);
    const attempt = getInstallation(handle.db, wrong, "T0WRONG");
    await expect(attempt).rejects.toBeInstanceOf(TokenDecryptionError);
    await expect(attempt).rejects.toThrow(/installation T0WRONG.*sealed with key/);
  });

  it("does not open a sealed token copied into another installation's row", async () => {
    await saveInstallation(
      handle.db,
      cipher,
      installation({ key: "T0FROM", teamId: "T0FROM", botToken: "xoxb-from" }),
    );
    await saveInstallation(
      handle.db,
      cipher,
      installation({ key: "T0INTO", teamId: "T0INTO", botToken: "xoxb-into" }),
    );
    await handle.db.execute(
      sql`update slack_installations set bot_token_sealed = (select bot_token_sealed from slack_installations where installation_key = 'T0FROM') where installation_key = 'T0INTO'`,
    );
    await expect(getInstallation(handle.db, cipher, "T0INTO")).rejects.toThrow(
      /bot token of Slack installation T0INTO/,
    );
  });

  it("serves every workspace of an organization from its org-wide install, and a team's own install first", async () => {
    await saveInstallation(
      handle.db,
      cipher,
      installation({
        key: "E0ORG",
        teamId: undefined,
        enterpriseId: "E0ORG",
        isEnterpriseInstall: true,
        botToken: "xoxb-org-token",
        botUserId: "U0BOTORG",
      }),
    );
    const tokens = stored();
    // A workspace added to the organization after the install.
    const added = await tokens.botFor({ teamId: "T0ADDED", enterpriseId: "E0ORG" });
    expect(added).toEqual({
      botToken: "xoxb-org-token",
      botUserId: "U0BOTORG",
      scope: { teamId: "T0ADDED", enterpriseId: "E0ORG" },
    });
    expect((await tokens.botFor({ teamId: "T0A", enterpriseId: undefined }))?.botToken).toBe(
      "xoxb-secret-bot-token-A",
    );
    expect(await tokens.botFor({ teamId: "T0ADDED", enterpriseId: undefined })).toBeUndefined();
    expect(await tokens.botFor({ teamId: "T0NONE", enterpriseId: "E0OTHER" })).toBeUndefined();

    // One workspace's removal never ends its organization's install; the organization's own does.
    await tokens.remove({ teamId: "T0ADDED", enterpriseId: "E0ORG" });
    expect((await tokens.botFor({ teamId: "T0ADDED", enterpriseId: "E0ORG" }))?.botToken).toBe(
      "xoxb-org-token",
    );
    await tokens.remove({ teamId: "", enterpriseId: "E0ORG" });
    expect(await tokens.botFor({ teamId: "T0ADDED", enterpriseId: "E0ORG" })).toBeUndefined();
  });

  it("forgets a team's tokens and leaves the others", async () => {
    await saveInstallation(
      handle.db,
      cipher,
      installation({ key: "T0B", teamId: "T0B", botToken: "xoxb-b" }),
    );
    await saveInstallation(
      handle.db,
      cipher,
      installation({ key: "T0C", teamId: "T0C", botToken: "xoxb-c" }),
    );
    const before = await countInstallations(handle.db);
    const tokens = stored();
    await tokens.remove({ teamId: "T0B", enterpriseId: undefined });
    expect(await tokens.botFor({ teamId: "T0B", enterpriseId: undefined })).toBeUndefined();
    expect((await tokens.botFor({ teamId: "T0C", enterpriseId: undefined }))?.botToken).toBe("xoxb-c");
    expect(await countInstallations(handle.db)).toBe(before - 1);
  });
});
