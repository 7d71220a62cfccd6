import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readConfigFile } from "../../src/config/config-file.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { ConfigurationError } from "../../src/domain/errors.ts";

const file = "/etc/threadwork/threadwork.config.json";

function problemsOf(contents: unknown): string[] {
  const text = typeof contents === "string" ? contents : JSON.stringify(contents);
  try {
    loadConfig({}, [], { file: { path: file, text } });
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigurationError");
}

const web = (settings: Record<string, unknown>) => ({
  repositories: { web: { url: "https://github.com/acme/web.git", ...settings } },
});

const table: Array<{ name: string; contents: unknown; problems: string[] }> = [
  {
    name: "text that is not JSON",
    contents: '{"repositories": ',
    problems: [`${file}: is not valid JSON: Unexpected end of JSON input`],
  },
  {
    name: "a list instead of an object",
    contents: [],
    problems: [`${file}: (top level) must be an object, not a list`],
  },
  {
    name: "a repository without a URL",
    contents: { repositories: { web: {} } },
    problems: [`${file}: repositories.web.url is required, e.g. "https://github.com/acme/web.git"`],
  },
  {
    name: "an ssh URL",
    contents: { repositories: { web: { url: "git@github.com:acme/web.git" } } },
    problems: [
      `${file}: repositories.web.url must be an https git URL or a local path (ssh URLs are not supported), e.g. "https://github.com/acme/web.git"`,
    ],
  },
  {
    name: "credentials in a URL",
    contents: { repositories: { web: { url: "https://bot:hunter2@github.com/acme/web.git" } } },
    problems: [
      `${file}: repositories.web.url looks like a secret: secrets are never read from this file; set them in the environment`,
    ],
  },
  {
    name: "a token under a field Threadwork does not have",
    contents: web({ token: "ghp_abcdefghijklmnopqrstuvwxyz" }),
    problems: [
      `${file}: repositories.web.token looks like a secret: secrets are never read from this file; set them in the environment`,
    ],
  },
  {
    name: "a secret-named field, whatever its value",
    contents: web({ apiKey: "x" }),
    problems: [
      `${file}: repositories.web.apiKey looks like a secret: secrets are never read from this file; set them in the environment`,
    ],
  },
  {
    name: "a misspelt field",
    contents: web({ branch: "main" }),
    problems: [
      `${file}: repositories.web has no setting "branch" (known: url, defaultBranch, setup, check, network, allowCommands, pipelineFiles, node, mcpServers, autofix), e.g. {"url":"https://github.com/acme/web.git","defaultBranch":"main"}`,
    ],
  },
  {
    name: "a network policy that is neither off nor on",
    contents: web({ network: "sometimes" }),
    problems: [`${file}: repositories.web.network must be "off" or "on", e.g. "off"`],
  },
  {
    name: "an empty setup command and Threadwork's own credential passed to setup",
    contents: web({ setup: { command: " ", environment: ["GITHUB_TOKEN", "NPM TOKEN"] } }),
    problems: [
      `${file}: repositories.web.setup.command must not be empty, e.g. "npm ci"`,
      `${file}: repositories.web.setup.environment[0] is one of Threadwork's own credentials, which repository code never receives; give setup its own narrow token`,
      `${file}: repositories.web.setup.environment[1] must be an environment variable name such as NPM_TOKEN`,
    ],
  },
  {
    name: "too many check retries and a check command on two lines",
    contents: web({ check: { command: "npm test\nrm -rf /", retries: 50 } }),
    problems: [
      `${file}: repositories.web.check.command must be one line, e.g. "npm test"`,
      `${file}: repositories.web.check.retries must be at most 10, e.g. 2`,
    ],
  },
  {
    name: "a branch name git refuses",
    contents: web({ defaultBranch: "release..1" }),
    problems: [`${file}: repositories.web.defaultBranch must be a git branch name, e.g. "main"`],
  },
  {
    name: "a repository name with a space, and a model without its provider",
    contents: { repositories: { "my web": { url: "/srv/git/web" } }, models: { qwen3: {} } },
    problems: [
      `${file}: repositories has a bad name "my web": it must be letters, digits, dot, dash or underscore, e.g. "web"`,
      `${file}: models has a bad name "qwen3": it must be written provider:model, e.g. "openai:qwen3"`,
    ],
  },
  {
    name: "a negative price and a context window written as text",
    contents: { models: { "openai:qwen3": { price: { input: -1, output: 0 }, contextWindowTokens: "32k" } } },
    problems: [
      `${file}: models["openai:qwen3"].price.input must be 0 or more, e.g. 3`,
      `${file}: models["openai:qwen3"].contextWindowTokens must be a number, not a string, e.g. 32768`,
    ],
  },
  {
    name: "an allow-list written as one string",
    contents: { allowCommands: "npm test" },
    problems: [`${file}: allowCommands must be a list, not a string, e.g. ["git status"]`],
  },
  {
    name: "a bearer token inside an allowed command",
    contents: { allowCommands: ["curl -H 'Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123'"] },
    problems: [
      `${file}: allowCommands[0] looks like a secret: secrets are never read from this file; set them in the environment`,
    ],
  },
  {
    name: "a default repository the file does not list",
    contents: { ...web({}), defaultRepository: "api" },
    problems: [
      `${file}: defaultRepository names "api", which neither THREADWORK_REPOS nor ${file} lists (known: web)`,
    ],
  },
  {
    name: "a top-level field Threadwork does not have",
    contents: { repos: {} },
    problems: [
      `${file}: (top level) has no setting "repos" (known: repositories, defaultRepository, allowCommands, models, mcpServers, schedules, watch, spendLimits)`,
    ],
  },
];

describe("configuration file errors name the file, the JSON path, what is wrong and an example", () => {
  it.each(table)("$name", ({ contents, problems }) => {
    expect(problemsOf(contents)).toEqual(problems);
  });

  it("reports the file's problems together with the environment's", () => {
    const problems = (() => {
      try {
        loadConfig({ THREADWORK_MAX_TURNS: "many" }, [], { file: { path: file, text: "[]" } });
      } catch (error) {
        return (error as ConfigurationError).problems;
      }
      return [];
    })();
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^THREADWORK_MAX_TURNS /);
    expect(problems[1]).toBe(`${file}: (top level) must be an object, not a list`);
  });
});

describe("finding the configuration file", () => {
  const directories: string[] = [];
  afterAll(async () => {
    await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
  });

  it("reads threadwork.config.json from the working directory, or the file THREADWORK_CONFIG names", async () => {
    const directory = await mkdtemp(path.join(tmpdir(), "threadwork-config-"));
    directories.push(directory);
    expect(readConfigFile({}, directory)).toBeUndefined();

    await writeFile(path.join(directory, "threadwork.config.json"), '{"allowCommands": ["npm test"]}');
    expect(readConfigFile({}, directory)).toEqual({
      path: path.join(directory, "threadwork.config.json"),
      text: '{"allowCommands": ["npm test"]}',
    });

    await writeFile(path.join(directory, "other.json"), "{}");
    expect(readConfigFile({ THREADWORK_CONFIG: "other.json" }, directory)).toEqual({
      path: path.join(directory, "other.json"),
      text: "{}",
    });
  });

  it("refuses a THREADWORK_CONFIG that names no file, instead of starting without it", () => {
    const source = readConfigFile({ THREADWORK_CONFIG: "/nowhere/threadwork.json" }, "/");
    expect(() => loadConfig({}, [], { file: source })).toThrow(
      "THREADWORK_CONFIG names /nowhere/threadwork.json, which does not exist",
    );
  });

  it("resolves a repository's relative path against the file's directory", () => {
    const config = loadConfig({}, [], {
      file: {
        path: "/srv/threadwork/threadwork.config.json",
        text: '{"repositories": {"tools": {"url": "../git/tools"}}}',
      },
    });
    expect(config.git.repositories).toEqual([{ name: "tools", url: "/srv/git/tools" }]);
    expect(config.configFile).toBe("/srv/threadwork/threadwork.config.json");
  });
});
