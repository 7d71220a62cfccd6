import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ok } from "../../src/application/doctor/doctor-check.ts";
import { runSetup } from "../../src/application/setup/run-setup.ts";
import { defaultManifestPath } from "../../src/application/setup/setup-manifest.ts";
import { readSetupOptions } from "../../src/application/setup/setup-options.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { freePort } from "../helpers/free-port.ts";
import { temporaryDirectory } from "../workspace/repository-fixtures.ts";

describe("npm run setup against the fake Slack's answers", () => {
  let fake: FakeSlackServer;
  let directory: { path: string; remove: () => Promise<void> };
  const waits: number[] = [];

  beforeAll(async () => {
    fake = await FakeSlackServer.start("xoxb-installed-bot-token");
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(async () => {
    directory = await temporaryDirectory("setup-answers");
    waits.length = 0;
  });
  afterEach(async () => {
    await directory.remove();
    fake.appManifests.configTokenExpired = false;
  });

  /** The set-up on in-memory streams: `typed` lines on stdin; a doctor that passes. */
  async function setUp(
    argv: string[],
    typed: string[],
    options: { environment?: Record<string, string>; manifestFile?: string } = {},
  ) {
    const environment = {
      SLACK_API_URL: fake.apiUrl,
      ANTHROPIC_API_KEY: "sk-ant-setup",
      ...options.environment,
    };
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (chunk: Buffer) => {
      printed += chunk.toString();
    });
    input.end(typed.map((line) => `${line}\n`).join(""));
    const code = await runSetup({
      options: readSetupOptions(argv, environment),
      environment,
      directory: directory.path,
      input,
      output,
      ...(options.manifestFile ? { manifestFile: options.manifestFile } : {}),
      doctor: async () => [ok("Slack bot token", "works")],
      wait: async (seconds) => {
        waits.push(seconds);
      },
    });
    let env = "";
    try {
      env = readFileSync(join(directory.path, ".env"), "utf8");
    } catch {
      env = "";
    }
    return { code, printed, env };
  }

  const withConfigToken = ["--config-token", "xoxe.xoxp-1-test-config-token"];
  const failures = (printed: string) => printed.split("\n").filter((line) => line.startsWith("✗"));

  it("names each problem of an invalid manifest by its pointer, and creates nothing", async () => {
    const broken = JSON.parse(readFileSync(defaultManifestPath, "utf8"));
    delete broken.display_information.name;
    const manifestFile = join(directory.path, "manifest.json");
    writeFileSync(manifestFile, JSON.stringify(broken));
    const before = fake.appManifests.apps.size;
    const result = await setUp(withConfigToken, [fake.botToken, fake.appToken], { manifestFile });
    expect(result.code).toBe(1);
    expect(result.printed).toContain(
      "✗ Slack refused manifest.json (invalid_manifest, apps.manifest.validate): fix these, then run npm run setup again\n  /display_information/name: Field is required\n",
    );
    expect(fake.appManifests.apps.size).toBe(before);
    expect(result.env).toBe("");
  });

  it.each([
    ["invalid_auth", "is not valid", () => ["--config-token", "xoxe.xoxp-1-someone-elses"]],
    [
      "token_expired",
      "has expired",
      () => {
        fake.appManifests.configTokenExpired = true;
        return withConfigToken;
      },
    ],
    [
      "not_authed",
      "was not sent",
      () => {
        fake.failWithError("apps.manifest.validate", "not_authed");
        return withConfigToken;
      },
    ],
  ])(
    "says in one line that the configuration token was refused (%s) and how to get one",
    async (error, words, arrange) => {
      const result = await setUp(arrange(), [fake.botToken, fake.appToken]);
      expect(result.code).toBe(1);
      expect(failures(result.printed)).toEqual([
        `✗ Slack refused the app configuration token (${error}: it ${words}): generate a new one under api.slack.com/apps → Your App Configuration Tokens (they expire after 12 hours) and pass it with --config-token or SLACK_CONFIG_TOKEN`,
      ]);
      expect(result.printed).not.toContain("xoxe.xoxp-1");
    },
  );

  it("says in one line that the bot token was refused, and writes nothing", async () => {
    const result = await setUp(withConfigToken, ["xoxb-not-the-installed-token", fake.appToken]);
    expect(result.code).toBe(1);
    expect(failures(result.printed)).toEqual([
      "✗ Slack refused the bot token (invalid_auth: it is not valid): copy the Bot User OAuth Token (xoxb-…) again from the app's OAuth & Permissions page; install the app first if the page shows none",
    ]);
    expect(result.printed).not.toContain("xoxb-not-the-installed-token");
    expect(result.env).toBe("");
  });

  it("refuses a token of the wrong kind without sending it anywhere", async () => {
    const result = await setUp([], ["xapp-pasted-in-the-wrong-place"]);
    expect(failures(result.printed)).toEqual([
      "✗ SLACK_BOT_TOKEN must start with xoxb- (what was given does not): copy it again from the app's page",
    ]);
    expect(fake.calls.some((call) => JSON.stringify(call.params).includes("xapp-pasted"))).toBe(false);
  });

  it("waits out a 429 as Retry-After says, then goes on", async () => {
    fake.failWithStatus("apps.manifest.create", 429, { retryAfter: 7 });
    const result = await setUp(withConfigToken, [fake.botToken, fake.appToken]);
    expect(waits).toEqual([7]);
    expect(result.printed).toContain("… Slack asked to wait 7 s before apps.manifest.create again");
    expect(result.printed).toMatch(/✓ Created app A0APP\d+/);
    expect(result.code).toBe(0);
  });

  it("gives up after three 429s with one clear line", async () => {
    fake.failWithStatus("apps.manifest.validate", 429, { retryAfter: 30, times: 3 });
    const result = await setUp(withConfigToken, [fake.botToken, fake.appToken]);
    expect(waits).toEqual([30, 30]);
    expect(failures(result.printed)).toEqual([
      "✗ Slack is rate limiting apps.manifest.validate (it asked to wait 30 s, 3 times): wait a minute, then run npm run setup again",
    ]);
    expect(result.code).toBe(1);
  });

  it("says where it looked for Slack when the network fails", async () => {
    const closed = `http://127.0.0.1:${await freePort()}/api/`;
    const result = await setUp(withConfigToken, [], { environment: { SLACK_API_URL: closed } });
    expect(result.code).toBe(1);
    expect(failures(result.printed)).toEqual([
      `✗ Could not reach Slack at ${closed} for apps.manifest.validate (ECONNREFUSED): check the network and SLACK_API_URL, then run npm run setup again`,
    ]);
  });

  it("names the scopes the bot token lacks", async () => {
    fake.grantedScopes.delete("reactions:write");
    fake.grantedScopes.delete("users:read");
    try {
      const result = await setUp(withConfigToken, [fake.botToken, fake.appToken]);
      expect(result.code).toBe(1);
      expect(failures(result.printed)).toEqual([
        "✗ The bot token lacks scopes manifest.json asks for: reactions:write, users:read: update the app from manifest.json, reinstall it, then run npm run setup again",
      ]);
      expect(result.printed).not.toContain("/invite");
    } finally {
      fake.grantedScopes.add("reactions:write");
      fake.grantedScopes.add("users:read");
    }
  });

  it("without a configuration token prints Slack's create-from-manifest link, in Socket Mode", async () => {
    const result = await setUp([], [fake.botToken, fake.appToken]);
    const link = /https:\/\/api\.slack\.com\/apps\?new_app=1&manifest_json=(\S+)/.exec(result.printed);
    const manifest = JSON.parse(decodeURIComponent(link?.[1] ?? "{}"));
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.oauth_config.scopes.bot).toContain("app_mentions:read");
    expect(result.env).toBe(`SLACK_BOT_TOKEN=${fake.botToken}\nSLACK_APP_TOKEN=${fake.appToken}\n`);
    expect(result.printed).toContain("/invite @Threadwork");
    expect(result.code).toBe(0);
  });

  it("in HTTP mode fills the request URLs from --public-url and keeps the signing secret Slack created", async () => {
    const result = await setUp(
      [...withConfigToken, "--public-url", "https://threadwork.example.com/"],
      [fake.botToken],
    );
    const appId = /✓ Created app (A0APP\d+)/.exec(result.printed)?.[1] ?? "";
    const settings = fake.appManifests.apps.get(appId)?.manifest.settings;
    expect(settings).toMatchObject({
      socket_mode_enabled: false,
      event_subscriptions: { request_url: "https://threadwork.example.com/slack/events" },
      interactivity: { is_enabled: true, request_url: "https://threadwork.example.com/slack/events" },
    });
    expect(result.env).toMatch(
      /^SLACK_BOT_TOKEN=xoxb-installed-bot-token\nSLACK_SIGNING_SECRET=signing-secret-\d+\n$/,
    );
    expect(result.printed).not.toMatch(/signing-secret-\d/);
    expect(result.code).toBe(0);
  });

  it("refuses a public URL that is not https before calling Slack", () => {
    expect(() => readSetupOptions(["--public-url", "http://threadwork.example.com"], {})).toThrow(
      "--public-url http://threadwork.example.com is not an https URL",
    );
  });

  it("updates an existing app with --app-id, and names an app Slack does not know", async () => {
    const created = await setUp(withConfigToken, [fake.botToken, fake.appToken]);
    const appId = /✓ Created app (A0APP\d+)/.exec(created.printed)?.[1] ?? "";
    await directory.remove();
    directory = await temporaryDirectory("setup-answers");
    const updated = await setUp([...withConfigToken, "--app-id", appId], [fake.botToken, fake.appToken]);
    expect(updated.printed).toContain(`✓ Updated app ${appId} from manifest.json`);
    expect(updated.printed).toContain(`https://api.slack.com/apps/${appId}/install-on-team`);
    expect(updated.code).toBe(0);
    const unknown = await setUp([...withConfigToken, "--app-id", "A0NOSUCHAPP"], []);
    expect(failures(unknown.printed)).toEqual([
      "✗ Slack refused apps.manifest.validate: invalid_app_id: check --app-id: it is the A… id on the app's Basic Information page",
    ]);
  });

  it("asks again for nothing once the input ends, naming the setting", async () => {
    const result = await setUp(withConfigToken, [fake.botToken]);
    expect(failures(result.printed)).toEqual([
      "✗ No SLACK_APP_TOKEN was given: paste it when asked, or pass --app-token or set SLACK_APP_TOKEN",
    ]);
    expect(result.env).toBe("");
  });
});
