import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "../../src/adapters/database/migrate.ts";
import { openDatabase } from "../../src/adapters/database/open-database.ts";
import { formatChecklist } from "../../src/application/doctor/doctor-check.ts";
import { runDoctor } from "../../src/application/doctor/run-doctor.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { displayUrl } from "../../src/domain/display-url.ts";
import { type FakeLlmServer, startFakeLlmServer } from "../fakes/fake-llm-server.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { createEmptyPostgresDatabase } from "../helpers/database.ts";
import { freePort } from "../helpers/free-port.ts";
import { scaled } from "../helpers/time-scale.ts";
import { createSourceRepository, temporaryDirectory } from "../workspace/repository-fixtures.ts";

/** Every migration the project ships: an empty database lacks them all. */
const migrationTags: string[] = JSON.parse(
  readFileSync(new URL("../../migrations/meta/_journal.json", import.meta.url), "utf8"),
).entries.map((entry: { tag: string }) => entry.tag);

const root = resolve(import.meta.dirname, "../..");
/** A remote on a port nothing listens on (discard, 9). */
const unreachable = "http://127.0.0.1:9/acme/widgets.git";

describe("npm run doctor", () => {
  let fake: FakeSlackServer;
  let llm: FakeLlmServer;
  let empty: { url: string; drop(): Promise<void> };
  let migrated: { url: string; drop(): Promise<void> };
  let repository: { path: string; remove: () => Promise<void> };

  beforeAll(async () => {
    fake = await FakeSlackServer.start("xoxb-doctor-token");
    llm = await startFakeLlmServer({ models: { anthropic: ["claude-sonnet-5-5", "claude-haiku-5-5"] } });
    empty = await createEmptyPostgresDatabase();
    migrated = await createEmptyPostgresDatabase();
    const handle = await openDatabase({ url: migrated.url, dataDir: "", logger: pino({ level: "silent" }) });
    await migrateDatabase(handle);
    await handle.close();
    repository = await temporaryDirectory("doctor-repo");
    await createSourceRepository(repository.path, { "README.md": "# widgets\n" });
  });
  afterAll(async () => {
    await fake?.close();
    await llm?.close();
    await empty?.drop();
    await migrated?.drop();
    await repository?.remove();
  });

  /** What `npm run doctor` reads, for a deployment on the fakes. */
  function environment(overrides: Record<string, string>): Record<string, string> {
    return {
      NODE_ENV: "production",
      ANTHROPIC_API_KEY: "sk-ant-doctor",
      ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_APP_TOKEN: fake.appToken,
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL: migrated.url,
      THREADWORK_REPOS: `widgets=${repository.path}`,
      THREADWORK_SANDBOX: "off",
      ...overrides,
    };
  }

  const misconfigured = () =>
    environment({
      SLACK_APP_TOKEN: "xapp-1-not-the-app-token",
      THREADWORK_WORKER_MODEL: "anthropic:claude-haiku-9",
      THREADWORK_REPOS: `widgets=${repository.path},gone=/nonexistent/threadwork/repo,remote=${unreachable}`,
      THREADWORK_SANDBOX: "required",
      DATABASE_URL: empty.url,
    });

  it("passes a healthy deployment, with the sandbox left off as a warning", async () => {
    const checks = await runDoctor(loadConfig(environment({}), ["provider", "slack"]), {
      timeoutMs: scaled(5000),
    });
    expect(checks.filter((check) => check.status === "problem")).toEqual([]);
    expect(checks.map((check) => `${check.status} ${check.subject}`)).toEqual([
      "ok Slack bot token",
      "ok Slack bot token scopes",
      "ok Slack app token (Socket Mode)",
      "ok Models",
      "ok Repository widgets",
      "ok Node for widgets",
      "warning Command sandbox",
      "ok Setup cache restores",
      "ok Database",
      "ok Slack workspaces",
    ]);
    expect(formatChecklist(checks)).toContain("All checks passed, 1 warning.");
  });

  it("names every problem of a misconfigured deployment, each with a fix", async () => {
    fake.grantedScopes.delete("chat:write");
    fake.grantedScopes.delete("reactions:write");
    try {
      const checks = await runDoctor(loadConfig(misconfigured(), ["provider", "slack"]), {
        timeoutMs: scaled(5000),
        searchPath: "/nonexistent/threadwork/bin",
      });
      const problems = checks.filter((check) => check.status === "problem");
      const text = problems.map((check) => `${check.subject}: ${check.detail}`);
      expect(text).toEqual([
        "Slack bot token scopes: missing chat:write, reactions:write",
        "Slack app token (Socket Mode): apps.connections.open failed: invalid_auth",
        expect.stringMatching(
          /^Models: THREADWORK_WORKER_MODEL names anthropic:claude-haiku-9, which .* does not serve/,
        ),
        'Repository gone: THREADWORK_REPOS entry "gone" is /nonexistent/threadwork/repo, which does not exist: point it at a git clone or an https git URL',
        expect.stringMatching(/^Repository remote: /),
        expect.stringMatching(/^Command sandbox: unavailable: bubblewrap \(bwrap\) is not installed/),
        `Database: PostgreSQL at ${displayUrl(empty.url)} (DATABASE_URL) lacks ${migrationTags.length} migration${migrationTags.length === 1 ? "" : "s"}: ${migrationTags.join(", ")}`,
      ]);
      for (const check of problems) expect(check.fix).toMatch(/\w/);
      expect(checks.find((check) => check.subject === "Repository widgets")?.status).toBe("ok");
      const printed = formatChecklist(checks);
      expect(printed).toContain("✗ Slack bot token scopes: missing chat:write, reactions:write");
      expect(printed).toContain("    fix: add them under OAuth & Permissions");
      expect(printed).toContain("    fix: run npm run db:migrate");
      expect(printed).toContain("7 problems.");
      expect(printed).not.toContain("sk-ant-doctor");
      expect(printed).not.toContain(fake.botToken);
    } finally {
      fake.grantedScopes.add("chat:write");
      fake.grantedScopes.add("reactions:write");
    }
  });

  it("names the real cause: a model server that is down, and a scope only an unset setting needs", async () => {
    fake.grantedScopes.delete("usergroups:read");
    try {
      // A local model server that is not running: nothing listens on its port.
      const closed = `http://127.0.0.1:${await freePort()}/v1`;
      const down = environment({ ANTHROPIC_API_KEY: "", ANTHROPIC_BASE_URL: "", OPENAI_BASE_URL: closed });
      const checks = await runDoctor(loadConfig(down, ["provider", "slack"]), { timeoutMs: scaled(5000) });
      const models = checks.find((check) => check.subject === "Models");
      expect(models?.status).toBe("problem");
      expect(models?.fix).toBe(
        `nothing answers at ${closed} (OPENAI_BASE_URL): start the model server (vLLM, Ollama, llama.cpp) or correct OPENAI_BASE_URL`,
      );
      const scopes = checks.filter((check) => check.subject === "Slack bot token scopes");
      expect(scopes).toEqual([
        {
          subject: "Slack bot token scopes",
          status: "warning",
          detail:
            "missing usergroups:read, which only THREADWORK_ALLOWED_USERGROUPS needs, and it is not set",
          fix: expect.stringMatching(
            /^nothing to do until you set THREADWORK_ALLOWED_USERGROUPS; then add them/,
          ),
        },
      ]);

      // Once the setting is there, the same missing scope is a problem.
      const grouped = environment({ THREADWORK_ALLOWED_USERGROUPS: "S0DEVS" });
      const withGroups = await runDoctor(loadConfig(grouped, ["provider", "slack"]), {
        timeoutMs: scaled(5000),
      });
      expect(
        withGroups.filter((check) => check.subject === "Slack bot token scopes").map((check) => check.status),
      ).toEqual(["problem"]);
    } finally {
      fake.grantedScopes.add("usergroups:read");
    }
  });

  it("exits non-zero and prints the checklist", async () => {
    const child = spawn(join(root, "node_modules/.bin/node"), ["src/doctor.ts"], {
      cwd: root,
      env: { ...misconfigured(), PATH: process.env.PATH ?? "", THREADWORK_SANDBOX: "off" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += String(chunk);
    });
    const code = await new Promise<number | null>((resolveExit) => child.on("close", resolveExit));
    expect(code).toBe(1);
    expect(stdout).toContain("Threadwork doctor");
    expect(stdout).toContain("✗ Slack app token (Socket Mode)");
    expect(stdout).toContain("✗ Repository gone");
    expect(stdout).toContain("! Command sandbox: off");
    expect(stdout).toMatch(/\d problems, 1 warning\./);
  });

  it("exits non-zero on a configuration error, naming the variable", async () => {
    const child = spawn(join(root, "node_modules/.bin/node"), ["src/doctor.ts"], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", SLACK_BOT_TOKEN: "xoxb-doctor-token" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += String(chunk);
    });
    const code = await new Promise<number | null>((resolveExit) => child.on("close", resolveExit));
    expect(code).toBe(1);
    expect(stderr).toContain("ANTHROPIC_API_KEY");
    expect(stderr).toContain("✗ Configuration");
  });
});
