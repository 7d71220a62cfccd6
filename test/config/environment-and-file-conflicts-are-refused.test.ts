import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.ts";
import { ConfigurationError } from "../../src/domain/errors.ts";

const file = "/srv/threadwork/threadwork.config.json";

function load(environment: Record<string, string>, contents: unknown) {
  return loadConfig(environment, [], { file: { path: file, text: JSON.stringify(contents) } });
}

function problemsOf(environment: Record<string, string>, contents: unknown): string[] {
  try {
    load(environment, contents);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigurationError");
}

describe("environment variables and the configuration file together", () => {
  it("combines repositories and prices that each name once, file first", () => {
    const config = load(
      {
        THREADWORK_REPOS: "api=https://github.com/acme/api.git",
        THREADWORK_DEFAULT_REPO: "api",
        THREADWORK_PRICES: '{"anthropic:claude-x": {"input": 3, "output": 15}}',
        ANTHROPIC_API_KEY: "sk-ant-from-the-environment",
      },
      {
        repositories: { web: { url: "https://github.com/acme/web.git", allowCommands: ["npm test"] } },
        models: { "openai:qwen3": { price: { input: 0, output: 0 } } },
      },
    );
    expect(config.git.repositories).toEqual([
      { name: "web", url: "https://github.com/acme/web.git", allowCommands: ["npm test"] },
      { name: "api", url: "https://github.com/acme/api.git" },
    ]);
    expect(config.git.defaultRepository).toBe("api");
    expect(config.priceOverrides).toEqual({
      "anthropic:claude-x": { input: 3, output: 15 },
      "openai:qwen3": { input: 0, output: 0 },
    });
    // Secrets and simple settings keep coming from the environment.
    expect(config.anthropic.apiKey).toBe("sk-ant-from-the-environment");
  });

  it("takes a setting given only by the file", () => {
    const config = load(
      {},
      { allowCommands: ["npm test"], defaultRepository: "web", repositories: { web: { url: "/srv/web" } } },
    );
    expect(config.git.allowCommands).toEqual(["npm test"]);
    expect(config.git.defaultRepository).toBe("web");
  });

  it("accepts a setting both give alike", () => {
    const config = load(
      { THREADWORK_ALLOW_COMMANDS: "npm test,git status", THREADWORK_DEFAULT_REPO: "web" },
      {
        allowCommands: ["npm test", "git status"],
        defaultRepository: "web",
        repositories: { web: { url: "/srv/web" } },
      },
    );
    expect(config.git.allowCommands).toEqual(["npm test", "git status"]);
  });

  it("refuses every setting both give differently, naming the variable, the file and the field", () => {
    const problems = problemsOf(
      {
        THREADWORK_REPOS: "web=https://github.com/acme/web.git,api=/srv/api",
        THREADWORK_DEFAULT_REPO: "api",
        THREADWORK_ALLOW_COMMANDS: "npm test",
        THREADWORK_PRICES: '{"openai:qwen3": {"input": 1, "output": 2}}',
      },
      {
        repositories: { web: { url: "https://github.com/acme/web-fork.git" } },
        defaultRepository: "web",
        allowCommands: ["npm test", "make"],
        models: { "openai:qwen3": { price: { input: 0, output: 0 } } },
      },
    );
    expect(problems).toEqual([
      `Repository "web" is set both by THREADWORK_REPOS and in ${file} (repositories.web); set it in one place`,
      `The default repository is set both by THREADWORK_DEFAULT_REPO and in ${file} (defaultRepository); set it in one place`,
      `The command allow-list is set both by THREADWORK_ALLOW_COMMANDS and in ${file} (allowCommands); set it in one place`,
      `The price of openai:qwen3 is set both by THREADWORK_PRICES and in ${file} (models["openai:qwen3"].price); set it in one place`,
    ]);
  });

  it("checks THREADWORK_DEFAULT_REPO against the repositories of both", () => {
    const config = load({ THREADWORK_DEFAULT_REPO: "web" }, { repositories: { web: { url: "/srv/web" } } });
    expect(config.git.defaultRepository).toBe("web");
    expect(
      problemsOf({ THREADWORK_DEFAULT_REPO: "api" }, { repositories: { web: { url: "/srv/web" } } }),
    ).toEqual([
      `THREADWORK_DEFAULT_REPO names "api", which neither THREADWORK_REPOS nor ${file} lists (known: web)`,
    ]);
    // A file that does not parse is reported alone: its repositories are unknown, not missing.
    expect(problemsOf({ THREADWORK_DEFAULT_REPO: "web" }, [])).toEqual([
      `${file}: (top level) must be an object, not a list`,
    ]);
  });
});
