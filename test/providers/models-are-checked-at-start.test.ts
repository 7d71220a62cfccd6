import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { prepareModels } from "../../src/application/prepare-models.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { ConfigurationError } from "../../src/domain/errors.ts";
import {
  type FakeLlmServer,
  type FakeLlmServerOptions,
  startFakeLlmServer,
} from "../fakes/fake-llm-server.ts";

const servers: FakeLlmServer[] = [];
const directories: string[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

async function fake(options: FakeLlmServerOptions): Promise<FakeLlmServer> {
  const server = await startFakeLlmServer(options);
  servers.push(server);
  return server;
}

function recordingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: "warn" }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

async function problemsOf(run: Promise<unknown>): Promise<string[]> {
  try {
    await run;
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigurationError");
}

const quiet = pino({ level: "silent" });

describe("with only OPENAI_BASE_URL, both roles default to a model the server serves", () => {
  it("uses the server's model when it serves exactly one", async () => {
    const server = await fake({ models: { openai: ["qwen3-coder:30b"] } });
    const config = loadConfig({ OPENAI_BASE_URL: server.openaiBaseUrl }, ["provider"]);
    const settled = await prepareModels(config, { logger: quiet });
    const model = { provider: "openai", model: "qwen3-coder:30b" };
    expect(settled.models).toEqual({ supervisor: model, worker: model, strong: model });
    expect(server.modelListings("openai")).toBe(1);
  });

  it("keeps the provider's defaults when the server serves them", async () => {
    const server = await fake({ models: { openai: ["gpt-6-sol", "gpt-6-sol-mini", "gpt-5"] } });
    const config = loadConfig({ OPENAI_BASE_URL: server.openaiBaseUrl }, ["provider"]);
    expect((await prepareModels(config, { logger: quiet })).models).toEqual(config.models);
  });

  it("refuses to guess between two models, naming the variables and listing what it serves", async () => {
    const server = await fake({ models: { openai: ["llama-4", "qwen3"] } });
    const config = loadConfig({ OPENAI_BASE_URL: server.openaiBaseUrl }, ["provider"]);
    expect(await problemsOf(prepareModels(config, { logger: quiet }))).toEqual([
      `the server at OPENAI_BASE_URL (${server.openaiBaseUrl}) serves 2 models (llama-4, qwen3), so Threadwork cannot choose: set THREADWORK_SUPERVISOR_MODEL and THREADWORK_WORKER_MODEL to one of them, e.g. openai:llama-4`,
    ]);
  });

  it("asks only for the role still unset", async () => {
    const server = await fake({ models: { openai: ["llama-4", "qwen3"] } });
    const config = loadConfig(
      { OPENAI_BASE_URL: server.openaiBaseUrl, THREADWORK_SUPERVISOR_MODEL: "openai:llama-4" },
      ["provider"],
    );
    expect((await problemsOf(prepareModels(config, { logger: quiet })))[0]).toContain(
      "so Threadwork cannot choose: set THREADWORK_WORKER_MODEL to one of them",
    );
  });

  it("says when the server serves nothing, or cannot be asked", async () => {
    const empty = await fake({ models: { openai: [] } });
    const config = loadConfig({ OPENAI_BASE_URL: empty.openaiBaseUrl }, ["provider"]);
    expect(await problemsOf(prepareModels(config, { logger: quiet }))).toEqual([
      `the server at OPENAI_BASE_URL (${empty.openaiBaseUrl}) serves no models: load one, or set THREADWORK_SUPERVISOR_MODEL and THREADWORK_WORKER_MODEL`,
    ]);
    const slow = await fake({ latencyMs: 2000 });
    const waiting = loadConfig({ OPENAI_BASE_URL: slow.openaiBaseUrl }, ["provider"]);
    expect(await problemsOf(prepareModels(waiting, { logger: quiet, timeoutMs: 200 }))).toEqual([
      `No model is named and the models of the server at OPENAI_BASE_URL (${slow.openaiBaseUrl}) could not be listed (listing models got no answer within 0.2 s): set THREADWORK_SUPERVISOR_MODEL and THREADWORK_WORKER_MODEL, e.g. openai:qwen3`,
    ]);
  });
});

describe("every configured model is checked against its provider's list", () => {
  it("fails on a model the server does not serve, naming the model and its variable", async () => {
    const server = await fake({ models: { openai: ["qwen3"] } });
    const config = loadConfig(
      {
        OPENAI_BASE_URL: server.openaiBaseUrl,
        THREADWORK_SUPERVISOR_MODEL: "openai:qwen3",
        THREADWORK_WORKER_MODEL: "openai:qwen2.5",
      },
      ["provider"],
    );
    expect(await problemsOf(prepareModels(config, { logger: quiet }))).toEqual([
      `THREADWORK_WORKER_MODEL names openai:qwen2.5, which the server at OPENAI_BASE_URL (${server.openaiBaseUrl}) does not serve (it serves openai:qwen3); set THREADWORK_WORKER_MODEL to a model it serves`,
    ]);
  });

  it("accepts an alias of a dated snapshot in Anthropic's list, and names a default it lacks", async () => {
    const older = Array.from({ length: 30 }, (_, index) => `claude-archive-${index}`);
    const server = await fake({ models: { anthropic: [...older, "claude-sonnet-4-5-20250929"] } });
    const config = loadConfig(
      {
        ANTHROPIC_API_KEY: "sk-ant-test",
        ANTHROPIC_BASE_URL: server.anthropicBaseUrl,
        THREADWORK_SUPERVISOR_MODEL: "anthropic:claude-sonnet-4-5",
      },
      ["provider"],
    );
    const problems = await problemsOf(prepareModels(config, { logger: quiet }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^The default worker model anthropic:claude-haiku-5-5 is not served by the server at ANTHROPIC_BASE_URL \(http:\/\/127\.0\.0\.1:\d+\) \(it serves anthropic:claude-archive-0, .* and 11 more\); set THREADWORK_WORKER_MODEL to a model it serves$/,
    );
    // 31 models, more than Anthropic's default page of 20: one request asks for up to 1,000.
    expect(server.modelListings("anthropic")).toBe(1);
  });

  it("names a strong model shared by two variables once, with both variables", async () => {
    const server = await fake({ models: { openai: ["qwen3"] } });
    const config = loadConfig(
      {
        OPENAI_BASE_URL: server.openaiBaseUrl,
        THREADWORK_SUPERVISOR_MODEL: "openai:qwen3",
        THREADWORK_WORKER_MODEL: "openai:big",
        THREADWORK_STRONG_MODEL: "openai:big",
      },
      ["provider"],
    );
    expect((await problemsOf(prepareModels(config, { logger: quiet })))[0]).toMatch(
      /^THREADWORK_WORKER_MODEL and THREADWORK_STRONG_MODEL name openai:big, which/,
    );
  });

  it("fails on a refused key, naming it", async () => {
    const server = await fake({ modelsListStatus: 401 });
    const config = loadConfig(
      { ANTHROPIC_API_KEY: "sk-ant-wrong", ANTHROPIC_BASE_URL: server.anthropicBaseUrl },
      ["provider"],
    );
    const problems = await problemsOf(prepareModels(config, { logger: quiet }));
    expect(problems).toEqual([
      expect.stringMatching(
        /^the server at ANTHROPIC_BASE_URL .* refused ANTHROPIC_API_KEY when listing models: listing models failed: 401/,
      ),
    ]);
    expect(problems.join()).not.toContain("sk-ant-wrong");
  });

  it("warns and starts when the list cannot be fetched, as through a proxy without the route", async () => {
    const server = await fake({ modelsListStatus: 404 });
    const config = loadConfig(
      { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: server.anthropicBaseUrl },
      ["provider"],
    );
    const { logger, lines } = recordingLogger();
    expect((await prepareModels(config, { logger })).models).toEqual(config.models);
    expect(lines).toEqual([
      expect.objectContaining({
        msg: "could not check the configured models; starting without the check",
        provider: "anthropic",
      }),
    ]);
  });
});

describe("npm start", () => {
  async function start(environment: Record<string, string>) {
    const dataDir = await mkdtemp(path.join(tmpdir(), "threadwork-models-"));
    directories.push(dataDir);
    const root = path.resolve(import.meta.dirname, "../..");
    const child = spawn(path.join(root, "node_modules/.bin/node"), ["src/main.ts"], {
      cwd: root,
      env: {
        SLACK_BOT_TOKEN: "xoxb-test",
        SLACK_SIGNING_SECRET: "secret",
        THREADWORK_DATA_DIR: dataDir,
        ...environment,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk) => {
      stderr += String(chunk);
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    return { code, stderr };
  }

  it("stops before opening the database when a configured model is not served, naming it", async () => {
    const server = await fake({ models: { openai: ["qwen3"] } });
    const { code, stderr } = await start({
      OPENAI_BASE_URL: server.openaiBaseUrl,
      THREADWORK_WORKER_MODEL: "openai:qwen3-typo",
    });
    expect(code).toBe(1);
    expect(stderr).toContain("Threadwork could not start: Invalid configuration:");
    expect(stderr).toContain(
      "THREADWORK_WORKER_MODEL names openai:qwen3-typo, which the server at OPENAI_BASE_URL",
    );
    expect(server.requests).toHaveLength(0);
  });

  it("stops when a local server serves two models and none is named", async () => {
    const server = await fake({ models: { openai: ["llama-4", "qwen3"] } });
    const { code, stderr } = await start({ OPENAI_BASE_URL: server.openaiBaseUrl });
    expect(code).toBe(1);
    expect(stderr).toContain("serves 2 models (llama-4, qwen3)");
    expect(stderr).toContain("set THREADWORK_SUPERVISOR_MODEL and THREADWORK_WORKER_MODEL");
  });
});
