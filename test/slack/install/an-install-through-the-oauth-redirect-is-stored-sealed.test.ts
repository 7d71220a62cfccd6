import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../../src/adapters/database/open-database.ts";
import { countInstallations, getInstallation } from "../../../src/adapters/database/slack-installations.ts";
import { TokenCipher } from "../../../src/adapters/database/token-cipher.ts";
import { SealedInstallationStore } from "../../../src/adapters/slack/sealed-installation-store.ts";
import { StoredInstallations } from "../../../src/adapters/slack/stored-installations.ts";
import { decodeEncryptionKey } from "../../../src/config/encryption-key.ts";
import type { AuditEntry } from "../../../src/domain/audit.ts";
import { createSilentLogger } from "../../../src/logger.ts";
import { createSlackSurface, type SlackSurface } from "../../../src/surfaces/slack/create-slack-surface.ts";
import { createMemorySlackStore } from "../../../src/surfaces/slack/slack-store.ts";
import { FakeSlackServer } from "../../fakes/fake-slack-server.ts";
import { collectingLogger } from "../../helpers/collecting-logger.ts";
import { backends, createTestDatabase } from "../../helpers/database.ts";
import { tablesHolding } from "../../helpers/tables-holding.ts";
import { ScriptedRuntime } from "../support/scripted-runtime.ts";

const key = decodeEncryptionKey(Buffer.alloc(32, 9).toString("hex"));
if (!key) throw new Error("the test key must decode");
const manifestScopes = (
  JSON.parse(readFileSync(new URL("../../../manifest.json", import.meta.url), "utf8")) as {
    oauth_config: { scopes: { bot: string[] } };
  }
).oauth_config.scopes.bot;

/** What the browser holds between the install page and the redirect: the state, in the link and the cookie. */
async function openInstallPage(baseUrl: string): Promise<{ state: string; cookie: string; page: string }> {
  const response = await fetch(`${baseUrl}/slack/install`);
  expect(response.status).toBe(200);
  const page = await response.text();
  const link = /href="([^"]*oauth\/v2\/authorize[^"]*)"/.exec(page)?.[1]?.replaceAll("&amp;", "&");
  const state = new URL(link ?? "https://invalid/").searchParams.get("state") ?? "";
  const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  return { state, cookie, page: link ?? "" };
}

describe.each(backends)("the OAuth install on %s", (backend) => {
  let handle: DatabaseHandle;
  let slack: FakeSlackServer;
  let surface: SlackSurface | undefined;
  const cipher = new TokenCipher(key);

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
    slack = await FakeSlackServer.start();
  });
  afterEach(async () => {
    await surface?.stop();
    surface = undefined;
  });
  afterAll(async () => {
    await slack?.close();
    await handle?.close();
  });

  async function start(
    options: {
      socketMode?: boolean;
      logger?: ReturnType<typeof createSilentLogger>;
      allowedTeams?: string[];
    } = {},
  ) {
    const audit: AuditEntry[] = [];
    surface = createSlackSurface({
      config: {
        botToken: slack.botToken,
        signingSecret: "test-signing-secret",
        appToken: options.socketMode ? slack.appToken : undefined,
        apiUrl: slack.apiUrl,
        port: 0,
      },
      runtime: new ScriptedRuntime(),
      store: createMemorySlackStore(),
      logger: options.logger ?? createSilentLogger(),
      health: async () => ({ database: true, queue: true }),
      host: "127.0.0.1",
      installations: new StoredInstallations({
        db: handle.db,
        cipher,
        clientId: slack.oauth.clientId,
        clientSecret: slack.oauth.clientSecret,
        apiUrl: slack.apiUrl,
        logger: createSilentLogger(),
      }),
      oauthInstall: {
        config: {
          clientId: slack.oauth.clientId,
          clientSecret: slack.oauth.clientSecret,
          stateSecret: "a-long-random-state-secret",
          encryptionKey: "unused here",
        },
        store: new SealedInstallationStore(handle.db, cipher),
        scopes: manifestScopes,
        audit: { record: async (entry) => void audit.push(entry) },
        openSessions: async () => [],
        ...(options.allowedTeams ? { allowedTeams: options.allowedTeams } : {}),
      },
    });
    const { port } = await surface.start();
    return { baseUrl: `http://127.0.0.1:${port}`, audit };
  }

  it("stores the workspace's installation sealed and tells the installer where it works", async () => {
    slack.oauth.tokenLifetimeSeconds = 12 * 3600;
    const { baseUrl, audit } = await start();
    const { state, cookie, page } = await openInstallPage(baseUrl);
    expect(new URL(page).searchParams.get("scope")).toBe(manifestScopes.join(","));
    const code = slack.oauth.authorize({ teamId: "T0INSTALL", teamName: "Acme", userId: "U0ADMIN" });

    const response = await fetch(`${baseUrl}/slack/oauth_redirect?code=${code}&state=${state}`, {
      headers: { cookie },
    });
    const body = await response.text();
    expect(response.status).toBe(200);
    expect(body).toContain("Threadwork is installed in Acme");

    const stored = await getInstallation(handle.db, cipher, "T0INSTALL");
    expect(stored?.botToken).toMatch(/^xoxb-fake-/);
    expect(stored?.botRefreshToken).toMatch(/^xoxe-1-fake-/);
    for (const secret of [stored?.botToken ?? "missing", stored?.botRefreshToken ?? "missing"]) {
      expect(await tablesHolding(handle.db, secret)).toEqual([]);
    }
    expect(audit).toEqual([
      expect.objectContaining({
        action: "install",
        actorId: "U0ADMIN",
        scope: { teamId: "T0INSTALL", enterpriseId: undefined },
      }),
    ]);
  });

  it("refuses a redirect from another browser and a reused code, and stores nothing", async () => {
    const { baseUrl } = await start();
    const before = await countInstallations(handle.db);
    const { state } = await openInstallPage(baseUrl);
    const code = slack.oauth.authorize({ teamId: "T0FORGED" });
    const forged = await fetch(`${baseUrl}/slack/oauth_redirect?code=${code}&state=${state}`);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain("Threadwork was not installed");

    const second = await openInstallPage(baseUrl);
    const used = slack.oauth.authorize({ teamId: "T0USED" });
    const first = await fetch(`${baseUrl}/slack/oauth_redirect?code=${used}&state=${second.state}`, {
      headers: { cookie: second.cookie },
    });
    expect(first.status).toBe(200);
    const third = await openInstallPage(baseUrl);
    const again = await fetch(`${baseUrl}/slack/oauth_redirect?code=${used}&state=${third.state}`, {
      headers: { cookie: third.cookie },
    });
    expect(again.status).toBe(500);
    expect(await countInstallations(handle.db)).toBe(before + 1);
  });

  it("refuses an install from a workspace THREADWORK_ALLOWED_TEAMS leaves out, and revokes its token", async () => {
    const { baseUrl, audit } = await start({ allowedTeams: ["T0LISTED", "E0LISTED"] });
    const { state, cookie } = await openInstallPage(baseUrl);
    const code = slack.oauth.authorize({ teamId: "T0STRANGER" });
    const response = await fetch(`${baseUrl}/slack/oauth_redirect?code=${code}&state=${state}`, {
      headers: { cookie },
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("T0STRANGER is not one of them");
    expect(await getInstallation(handle.db, cipher, "T0STRANGER")).toBeUndefined();
    const issued = [...slack.oauth.tokens.values()].filter((token) => token.teamId === "T0STRANGER");
    expect(issued.map((token) => token.revoked)).toEqual([true]);
    expect(audit).toEqual([]);

    // A workspace of a listed organization may install.
    const listed = await openInstallPage(baseUrl);
    const orgCode = slack.oauth.authorize({ teamId: "T0MEMBER", enterpriseId: "E0LISTED" });
    const member = await fetch(`${baseUrl}/slack/oauth_redirect?code=${orgCode}&state=${listed.state}`, {
      headers: { cookie: listed.cookie },
    });
    expect(member.status).toBe(200);
    expect(await getInstallation(handle.db, cipher, "T0MEMBER")).toBeDefined();
  });

  it("says in the logs and on the page when an org-wide install has no workspace yet (Socket Mode serves the pages)", async () => {
    const logs = collectingLogger();
    const { baseUrl } = await start({ socketMode: true, logger: logs.logger });
    const { state, cookie } = await openInstallPage(baseUrl);
    const code = slack.oauth.authorize({
      enterpriseId: "E0GRID",
      isEnterpriseInstall: true,
      userId: "U0ORGADMIN",
    });
    const response = await fetch(`${baseUrl}/slack/oauth_redirect?code=${code}&state=${state}`, {
      headers: { cookie },
    });
    const body = await response.text();
    expect(response.status).toBe(200);
    expect(body).toContain("no workspace of the organization has it yet");
    expect(body).toContain("/manage/organization/apps/profile/A0APP/workspaces/add");
    expect(logs.lines.some((line) => line.includes("no workspace of the organization has the app yet"))).toBe(
      true,
    );

    // A workspace the org admin adds afterwards is served by the org-wide install.
    slack.oauth.orgWorkspaces.set("E0GRID", [{ id: "T0LATER", name: "Later" }]);
    const tokens = new StoredInstallations({
      db: handle.db,
      cipher,
      clientId: slack.oauth.clientId,
      clientSecret: slack.oauth.clientSecret,
      apiUrl: slack.apiUrl,
      logger: createSilentLogger(),
    });
    const later = await tokens.botFor({ teamId: "T0LATER", enterpriseId: "E0GRID" });
    expect(later?.scope).toEqual({ teamId: "T0LATER", enterpriseId: "E0GRID" });
    expect((await getInstallation(handle.db, cipher, "E0GRID"))?.botToken).toBe(later?.botToken);
  });
});
