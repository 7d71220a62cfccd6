import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/adapters/database/open-database.ts";
import { startFakeLlmServer } from "./fakes/fake-llm-server.ts";
import { FakeSlackServer } from "./fakes/fake-slack-server.ts";
import { freePort } from "./helpers/free-port.ts";
import { scaled } from "./helpers/time-scale.ts";

const root = path.resolve(import.meta.dirname, "..");
const node = path.join(root, "node_modules/.bin/node");
const temporaryDirectories: string[] = [];

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function launch(
  script: string,
  environment: Record<string, string>,
): { child: ChildProcess; done: Promise<Outcome> } {
  const child = spawn(node, [script], { cwd: root, env: environment, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => {
    stdout += String(chunk);
  });
  child.stderr?.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const done = new Promise<Outcome>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done };
}

async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), "threadwork-start-"));
  temporaryDirectories.push(directory);
  return directory;
}

afterAll(async () => {
  await Promise.all(temporaryDirectories.map((directory) => rm(directory, { recursive: true, force: true })));
});

// Each PGlite boot costs seconds of CPU: the tests overlap, and each boots at most twice.
describe.concurrent("npm start", () => {
  it("exits non-zero with an empty environment, naming what is missing", async () => {
    const { code, stderr, stdout } = await launch("src/main.ts", {}).done;
    expect(code).not.toBe(0);
    expect(stderr).toContain("ANTHROPIC_API_KEY");
    expect(stderr).toContain("OPENAI_API_KEY");
    expect(stderr).toContain("SLACK_BOT_TOKEN");
    expect(stdout).toBe("");
  });

  it("refuses to start when THREADWORK_CONFIG names a file that is not there", async () => {
    const { code, stderr, stdout } = await launch("src/main.ts", {
      ANTHROPIC_API_KEY: "sk-ant-test",
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_SIGNING_SECRET: "secret",
      THREADWORK_CONFIG: "/etc/threadwork/threadwork.config.json",
    }).done;
    expect(code).toBe(1);
    expect(stderr).toContain(
      "THREADWORK_CONFIG names /etc/threadwork/threadwork.config.json, which does not exist",
    );
    expect(stdout).not.toContain("threadwork is ready");
  });

  it("names every malformed variable in one error", async () => {
    const { code, stderr } = await launch("src/main.ts", {
      ANTHROPIC_API_KEY: "sk-ant-test",
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_SIGNING_SECRET: "secret",
      THREADWORK_SUPERVISOR_MODEL: "nonsense",
      DATABASE_URL: "mysql://x",
      THREADWORK_MAX_TURNS: "many",
    }).done;
    expect(code).toBe(1);
    expect(stderr.match(/Invalid configuration/g)).toHaveLength(1);
    expect(stderr).toContain("THREADWORK_SUPERVISOR_MODEL");
    expect(stderr).toContain("DATABASE_URL");
    expect(stderr).toContain("THREADWORK_MAX_TURNS");
    expect(stderr).not.toContain("SLACK_BOT_TOKEN");
  });

  it("creates the embedded database, reports ready, keeps it to itself, and stops cleanly on SIGTERM", {
    timeout: scaled(240_000),
  }, async () => {
    const dataDir = await temporaryDirectory();
    const slack = await FakeSlackServer.start("xoxb-test");
    // Start-up lists the provider's models: the fake answers as Anthropic would.
    const llm = await startFakeLlmServer();
    const port = await freePort();
    const { child, done } = launch("src/main.ts", {
      NODE_ENV: "production",
      ANTHROPIC_API_KEY: "sk-ant-test",
      ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_SIGNING_SECRET: "secret",
      SLACK_API_URL: slack.apiUrl,
      PORT: String(port),
      THREADWORK_DATA_DIR: dataDir,
    });
    let stdout = "";
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on("data", (chunk) => {
        stdout += String(chunk);
        if (stdout.includes("threadwork is ready")) resolve();
      });
      child.on("close", () => reject(new Error("main exited before it was ready")));
    });
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ database: true, queue: true });
    const second = await launch("src/migrate.ts", { THREADWORK_DATA_DIR: dataDir }).done;
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`in use by process ${child.pid}`);

    child.kill("SIGTERM");
    const outcome = await done;
    expect(outcome.code).toBe(0);
    expect((await stat(path.join(dataDir, "pgdata"))).isDirectory()).toBe(true);
    await expect(stat(path.join(dataDir, "pgdata.lock"))).rejects.toThrow();
    expect(stdout).not.toContain("xoxb-test");
    expect(stdout).not.toContain("sk-ant-test");
    // The ready line names the models, checked against the provider's list.
    expect(stdout).toContain(
      "threadwork is ready: supervisor anthropic:claude-sonnet-5-5, worker anthropic:claude-haiku-5-5",
    );
    expect(llm.modelListings("anthropic")).toBe(1);
    await slack.close();
    await llm.close();
  });
});

describe("npm start with a bot token Slack refuses", () => {
  it("stops with the doctor's one line, not a stack trace", { timeout: scaled(240_000) }, async () => {
    const slack = await FakeSlackServer.start("xoxb-the-right-one");
    const llm = await startFakeLlmServer();
    try {
      const { code, stderr } = await launch("src/main.ts", {
        NODE_ENV: "production",
        ANTHROPIC_API_KEY: "sk-ant-test",
        ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
        SLACK_BOT_TOKEN: "xoxb-a-wrong-one",
        SLACK_SIGNING_SECRET: "secret",
        SLACK_API_URL: slack.apiUrl,
        PORT: String(await freePort()),
        THREADWORK_DATA_DIR: await temporaryDirectory(),
      }).done;
      expect(code).toBe(1);
      expect(stderr.trim().split("\n")).toEqual([
        "Threadwork could not start: Slack bot token: auth.test failed: invalid_auth; fix: copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page into SLACK_BOT_TOKEN (npm run doctor checks every setting)",
      ]);
    } finally {
      await slack.close();
      await llm.close();
    }
  });
});

describe.concurrent("npm run db:migrate", () => {
  it("creates the embedded database in THREADWORK_DATA_DIR and applies the migrations", {
    timeout: scaled(240_000),
  }, async () => {
    const dataDir = await temporaryDirectory();
    const outcome = await launch("src/migrate.ts", { NODE_ENV: "production", THREADWORK_DATA_DIR: dataDir })
      .done;
    expect(outcome.stderr).toBe("");
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain("migrations applied");

    const handle = await openDatabase({ url: undefined, dataDir, logger: pino({ level: "silent" }) });
    try {
      const result = await handle.db.execute<{ table_name: string }>(
        sql`select table_name from information_schema.tables where table_schema = 'public'`,
      );
      expect(result.rows.map((row) => row.table_name)).toEqual(
        expect.arrayContaining(["sessions", "agents", "events", "requests", "usage_ledger"]),
      );
      const applied = await handle.db.execute<{ count: string | number }>(
        sql`select count(*) as count from drizzle.__drizzle_migrations`,
      );
      expect(Number(applied.rows[0]?.count)).toBeGreaterThanOrEqual(1);
    } finally {
      await handle.close();
    }
  });
});
