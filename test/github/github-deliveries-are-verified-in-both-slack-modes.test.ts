import { Writable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { githubWebhooks } from "../../src/application/github/github-webhooks.ts";
import type { Config } from "../../src/config/config.ts";
import { createLogger } from "../../src/logger.ts";
import { createSlackSurface, type SlackSurface } from "../../src/surfaces/slack/create-slack-surface.ts";
import { createMemorySlackStore } from "../../src/surfaces/slack/slack-store.ts";
import { FakeGitHub } from "../fakes/fake-github.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { scaled } from "../helpers/time-scale.ts";
import { slackConfig } from "../slack/support/harness.ts";
import { ScriptedRuntime } from "../slack/support/scripted-runtime.ts";

const secret = "webhook-secret-9d1e";
const token = "ghp_fakeWebhookToken";

function gitConfig(webhookSecret: string | undefined): Config["git"] {
  return {
    repositories: [{ name: "widgets", url: "https://github.com/acme/widgets.git" }],
    defaultRepository: undefined,
    token: undefined,
    githubToken: token,
    github: { webhookSecret, autofix: "on", autofixAttempts: 2 },
    allowCommands: [],
    sandbox: "off",
    commandLimits: { cpuSeconds: 60, memoryMb: 512, maxProcesses: 64, maxFileMb: 64 },
    workspaceQuotaMb: 100,
    push: true,
    workspaceTtlSeconds: 3600,
    setupCacheTtlSeconds: 3600,
  };
}

describe("POST /github/events", { timeout: scaled(60_000) }, () => {
  let handle: DatabaseHandle;
  let github: FakeGitHub;
  let fake: FakeSlackServer | undefined;
  let surface: SlackSurface | undefined;
  const lines: string[] = [];

  beforeAll(async () => {
    handle = await createTestDatabase("postgres");
    github = await FakeGitHub.start({ token, repositories: ["acme/widgets"] });
  });
  afterAll(async () => {
    await github?.close();
    await handle?.close();
  });
  afterEach(async () => {
    await surface?.stop();
    await fake?.close();
    surface = undefined;
  });

  async function start(mode: Partial<Config["slack"]>, withSecret = true) {
    fake = await FakeSlackServer.start();
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ level: "debug", environment: "test", destination });
    surface = createSlackSurface({
      config: slackConfig(fake, mode),
      runtime: new ScriptedRuntime(),
      store: createMemorySlackStore(),
      logger,
      health: async () => ({ database: true, queue: true }),
      host: "127.0.0.1",
      webhooks: githubWebhooks({
        config: gitConfig(withSecret ? secret : undefined),
        db: handle.db,
        logger,
        github: { apiUrl: github.apiUrl },
      }),
    });
    const { port } = await surface.start();
    return `http://127.0.0.1:${port}/github/events`;
  }

  const failedRun = (branch: string, completedAt?: Date) =>
    github.checkRunCompleted(
      github.addCheckRun({
        repository: "acme/widgets",
        name: "test",
        headSha: "a".repeat(40),
        branch,
        pullRequest: 12,
        output: { title: "1 failing test", summary: "total is wrong", text: "" },
        annotations: [],
      }),
      completedAt,
    );

  for (const [mode, settings] of [
    ["HTTP mode", {}],
    ["Socket Mode", { appToken: "xapp-1-test-app-token", signingSecret: undefined }],
  ] as const) {
    it(`refuses unsigned, badly signed, replayed and stale deliveries, and ignores other branches (${mode})`, async () => {
      const url = await start(settings);
      const payload = failedRun("feature/by-a-person");

      const unsigned = await github.deliver(url, "check_run", payload);
      expect(unsigned.status).toBe(401);
      const forged = await github.deliver(url, "check_run", payload, { secret: "not-the-secret" });
      expect(forged.status).toBe(401);
      const tampered = await github.deliver(url, "check_run", payload, {
        signature: (await import("../../src/adapters/github/webhook-signature.ts")).signWebhookBody(
          secret,
          Buffer.from("{}"),
        ),
      });
      expect(tampered.status).toBe(401);

      const accepted = await github.deliver(url, "check_run", payload, { secret });
      expect(accepted.status).toBe(202);
      const replayed = await github.deliver(url, "check_run", payload, {
        secret,
        deliveryId: accepted.deliveryId,
      });
      expect(replayed.status).toBe(409);

      const stale = await github.deliver(
        url,
        "check_run",
        failedRun("feature/old", new Date(Date.now() - 2 * 86_400_000)),
        {
          secret,
        },
      );
      expect(stale.status).toBe(400);

      // Nothing of Threadwork's is on that branch: logged at debug, nothing asked of GitHub or Slack.
      const ignored = async () =>
        lines.some(
          (line) =>
            line.includes("did not push") &&
            line.includes(accepted.deliveryId) &&
            line.includes('"level":20'),
        );
      await expect.poll(ignored, { timeout: scaled(10_000) }).toBe(true);
      expect(github.requests).toEqual([]);
      expect(fake?.callsTo("chat.postMessage") ?? []).toEqual([]);
      expect(lines.join("")).not.toContain(secret);
      expect((await fetch(url.replace("/github/events", "/healthz"))).status).toBe(200);
    });
  }

  it("answers 404 when GITHUB_WEBHOOK_SECRET is unset", async () => {
    const url = await start({}, false);
    const response = await github.deliver(url, "check_run", failedRun("any"), { secret });
    expect(response.status).toBe(404);
  });
});
