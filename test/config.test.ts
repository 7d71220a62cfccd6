import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { environmentSchema } from "../src/config/environment-schema.ts";
import { loadConfig } from "../src/config/load-config.ts";
import { defaultModels } from "../src/config/model-roles.ts";
import { ConfigurationError } from "../src/domain/errors.ts";

const slack = { SLACK_BOT_TOKEN: "xoxb-1-2-abc", SLACK_APP_TOKEN: "xapp-1-abc" };

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigurationError");
}

describe("loadConfig", () => {
  it("needs nothing without requirements and applies defaults", () => {
    const config = loadConfig({});
    expect(config.environment).toBe("development");
    expect(config.logLevel).toBe("info");
    expect(config.database).toEqual({ url: undefined, dataDir: path.resolve(".threadwork") });
    expect(config.limits).toMatchObject({ maxConcurrentAgents: 16, maxAgentsPerSession: 6, maxTurns: 80 });
    expect(config.limits.agentTimeoutSeconds).toBe(3600);
    expect(config.git).toMatchObject({
      repositories: [],
      sandbox: "required",
      push: true,
      allowCommands: [],
    });
    expect(config.git.workspaceTtlSeconds).toBe(7 * 86400);
    expect(config.slack.port).toBe(3000);
  });

  it("requires the command sandbox unless it is explicitly off, and parses command limits", () => {
    expect(loadConfig({}).git.commandLimits).toEqual({
      cpuSeconds: 600,
      memoryMb: 2048,
      maxProcesses: 256,
      maxFileMb: 1024,
    });
    expect(loadConfig({}).git.workspaceQuotaMb).toBe(5120);
    // The older spellings never fall back to plain bash any more.
    expect(loadConfig({ THREADWORK_SANDBOX: "auto" }).git.sandbox).toBe("required");
    expect(loadConfig({ THREADWORK_SANDBOX: "bwrap" }).git.sandbox).toBe("required");
    expect(loadConfig({ THREADWORK_SANDBOX: "off" }).git.sandbox).toBe("off");
    expect(problemsOf(() => loadConfig({ THREADWORK_SANDBOX: "none" }))).toEqual([
      expect.stringMatching(/THREADWORK_SANDBOX.*must be required or off/),
    ]);
    const limited = loadConfig({ THREADWORK_COMMAND_CPU_SECONDS: "5", THREADWORK_WORKSPACE_QUOTA_MB: "10" });
    expect(limited.git.commandLimits.cpuSeconds).toBe(5);
    expect(limited.git.workspaceQuotaMb).toBe(10);
  });

  it("defaults both models to the provider whose key is set", () => {
    const anthropic = loadConfig({ ANTHROPIC_API_KEY: "sk-ant-x" }, ["provider"]);
    expect(anthropic.models.supervisor).toEqual({
      provider: "anthropic",
      model: defaultModels.anthropic.supervisor,
    });
    expect(anthropic.models.worker).toEqual({ provider: "anthropic", model: defaultModels.anthropic.worker });
    expect(anthropic.models.strong).toEqual(anthropic.models.supervisor);

    const openai = loadConfig({ OPENAI_API_KEY: "sk-x" }, ["provider"]);
    expect(openai.models.supervisor).toEqual({ provider: "openai", model: defaultModels.openai.supervisor });
    expect(openai.models.worker).toEqual({ provider: "openai", model: defaultModels.openai.worker });

    const local = loadConfig({ OPENAI_BASE_URL: "http://127.0.0.1:8000/v1" }, ["provider"]);
    expect(local.models.supervisor.provider).toBe("openai");
    expect(local.openai.baseUrl).toBe("http://127.0.0.1:8000/v1");
  });

  it("parses provider:model references, keeping colons in the model name", () => {
    const config = loadConfig(
      {
        ANTHROPIC_API_KEY: "sk-ant-x",
        OPENAI_API_KEY: "sk-x",
        THREADWORK_SUPERVISOR_MODEL: "anthropic:claude-sonnet-5-5",
        THREADWORK_WORKER_MODEL: "openai:qwen3:32b",
        THREADWORK_STRONG_MODEL: "openai:gpt-6-sol",
      },
      ["provider"],
    );
    expect(config.models).toEqual({
      supervisor: { provider: "anthropic", model: "claude-sonnet-5-5" },
      worker: { provider: "openai", model: "qwen3:32b" },
      strong: { provider: "openai", model: "gpt-6-sol" },
    });
  });

  it("lists every problem in one error", () => {
    const problems = problemsOf(() =>
      loadConfig(
        {
          DATABASE_URL: "mysql://x",
          THREADWORK_SUPERVISOR_MODEL: "nonsense",
          THREADWORK_MAX_TURNS: "-3",
          LOG_LEVEL: "loud",
          THREADWORK_AGENT_TIMEOUT: "soon",
          SLACK_BOT_TOKEN: "xoxp-wrong-kind",
        },
        ["provider", "slack"],
      ),
    );
    const text = problems.join("\n");
    for (const name of [
      "DATABASE_URL",
      "THREADWORK_SUPERVISOR_MODEL",
      "THREADWORK_MAX_TURNS",
      "LOG_LEVEL",
      "THREADWORK_AGENT_TIMEOUT",
      "SLACK_BOT_TOKEN",
      "ANTHROPIC_API_KEY",
      "SLACK_APP_TOKEN",
    ]) {
      expect(text).toContain(name);
    }
    expect(problems.length).toBeGreaterThanOrEqual(7);
  });

  it("names what is missing for the provider and Slack requirements", () => {
    const problems = problemsOf(() => loadConfig({}, ["provider", "slack"]));
    expect(problems.join("\n")).toMatch(/ANTHROPIC_API_KEY or OPENAI_API_KEY/);
    expect(problems.join("\n")).toContain("SLACK_BOT_TOKEN is missing");
    expect(problems.join("\n")).toContain("SLACK_SIGNING_SECRET");
  });

  it("accepts Socket Mode or HTTP mode Slack settings", () => {
    const socket = loadConfig({ ANTHROPIC_API_KEY: "sk-ant-x", ...slack }, ["provider", "slack"]);
    expect(socket.slack).toMatchObject({ botToken: slack.SLACK_BOT_TOKEN, appToken: slack.SLACK_APP_TOKEN });
    const http = loadConfig(
      {
        ANTHROPIC_API_KEY: "sk-ant-x",
        SLACK_BOT_TOKEN: slack.SLACK_BOT_TOKEN,
        SLACK_SIGNING_SECRET: "s",
        PORT: "8080",
      },
      ["provider", "slack"],
    );
    expect(http.slack).toMatchObject({ signingSecret: "s", appToken: undefined, port: 8080 });
  });

  it("refuses a model whose provider has no key", () => {
    const problems = problemsOf(() =>
      loadConfig({ ANTHROPIC_API_KEY: "sk-ant-x", THREADWORK_WORKER_MODEL: "openai:gpt-6-sol" }, [
        "provider",
      ]),
    );
    expect(problems).toEqual(["THREADWORK_WORKER_MODEL uses openai but OPENAI_API_KEY is missing"]);
  });

  it("parses the repository list and checks the default repository", () => {
    const config = loadConfig({
      THREADWORK_REPOS: "api=https://github.com/acme/api.git, web=/srv/git/web ,",
      THREADWORK_DEFAULT_REPO: "api",
    });
    expect(config.git.repositories).toEqual([
      { name: "api", url: "https://github.com/acme/api.git" },
      { name: "web", url: "/srv/git/web" },
    ]);
    expect(config.git.defaultRepository).toBe("api");
    expect(problemsOf(() => loadConfig({ THREADWORK_REPOS: "no-url-here" })).join()).toContain(
      "THREADWORK_REPOS",
    );
    expect(
      problemsOf(() =>
        loadConfig({ THREADWORK_REPOS: "api=/srv/api", THREADWORK_DEFAULT_REPO: "web" }),
      ).join(),
    ).toContain("THREADWORK_DEFAULT_REPO");
  });

  it("parses durations in seconds, minutes, hours and days", () => {
    const cases: [string, number][] = [
      ["90", 90],
      ["90s", 90],
      ["30m", 1800],
      ["12h", 43200],
      ["7d", 604800],
      ["1.5h", 5400],
    ];
    for (const [text, seconds] of cases) {
      expect(loadConfig({ THREADWORK_AGENT_TIMEOUT: text }).limits.agentTimeoutSeconds).toBe(seconds);
    }
    expect(loadConfig({ THREADWORK_WORKSPACE_TTL: "2d" }).git.workspaceTtlSeconds).toBe(172800);
  });

  it("parses flags, lists, prices and the environment", () => {
    const config = loadConfig({
      NODE_ENV: "production",
      THREADWORK_PUSH: "off",
      THREADWORK_ALLOW_COMMANDS: "npm test,npm run lint",
      THREADWORK_APPROVERS: "U1, U2",
      THREADWORK_PRICES: '{"anthropic:claude-x": {"input": 3, "output": 15}}',
      THREADWORK_SESSION_BUDGET_USD: "2.5",
      DATABASE_URL: "postgresql://app@db/threadwork",
    });
    expect(config.environment).toBe("production");
    expect(config.git.push).toBe(false);
    expect(config.git.allowCommands).toEqual(["npm test", "npm run lint"]);
    expect(config.approvals.approverIds).toEqual(["U1", "U2"]);
    expect(config.priceOverrides).toEqual({ "anthropic:claude-x": { input: 3, output: 15 } });
    expect(config.limits.sessionBudgetUsd).toBe(2.5);
    expect(config.database.url).toBe("postgresql://app@db/threadwork");
    expect(problemsOf(() => loadConfig({ THREADWORK_PRICES: "{oops" })).join()).toContain(
      "THREADWORK_PRICES",
    );
    expect(problemsOf(() => loadConfig({ THREADWORK_PUSH: "maybe" })).join()).toContain("THREADWORK_PUSH");
  });

  it("defaults the approval policy to owner-or-approvers and needs approvers for approvers-only", () => {
    expect(loadConfig({}).approvals.policy).toBe("owner-or-approvers");
    const strict = loadConfig({ THREADWORK_APPROVAL_POLICY: "approvers-only", THREADWORK_APPROVERS: "U1" });
    expect(strict.approvals).toMatchObject({ policy: "approvers-only", approverIds: ["U1"] });
    expect(problemsOf(() => loadConfig({ THREADWORK_APPROVAL_POLICY: "approvers-only" }))).toEqual([
      "THREADWORK_APPROVAL_POLICY is approvers-only but THREADWORK_APPROVERS is empty: list the Slack user ids who may approve, or use owner-or-approvers",
    ]);
    expect(problemsOf(() => loadConfig({ THREADWORK_APPROVAL_POLICY: "anyone" })).join()).toContain(
      "THREADWORK_APPROVAL_POLICY must be one of owner-or-approvers, approvers-only",
    );
  });

  it("keeps code channels off unless THREADWORK_CODE_CHANNELS turns them on", () => {
    expect(loadConfig({}).slack.codeChannels).toBe(false);
    expect(loadConfig({ THREADWORK_CODE_CHANNELS: "on" }).slack.codeChannels).toBe(true);
    expect(problemsOf(() => loadConfig({ THREADWORK_CODE_CHANNELS: "sometimes" })).join()).toContain(
      "THREADWORK_CODE_CHANNELS must be true or false",
    );
  });

  it("treats empty values as unset", () => {
    const config = loadConfig({ DATABASE_URL: "", LOG_LEVEL: " ", ANTHROPIC_API_KEY: "sk-ant-x" }, [
      "provider",
    ]);
    expect(config.database.url).toBeUndefined();
    expect(config.logLevel).toBe("info");
  });
});

describe("documentation", () => {
  const root = path.resolve(import.meta.dirname, "..");
  const names = Object.keys(environmentSchema.shape);

  it("lists every variable of the environment schema in .env.example and in docs/configuration.md", () => {
    expect(names.length).toBeGreaterThan(30);
    const example = readFileSync(path.join(root, ".env.example"), "utf8");
    const reference = readFileSync(path.join(root, "docs/configuration.md"), "utf8");
    for (const name of names) {
      expect(example, `.env.example lacks ${name}`).toMatch(new RegExp(`^${name}=`, "m"));
      expect(reference, `docs/configuration.md lacks ${name}`).toContain(`| \`${name}\` |`);
    }
  });
});
