import { describe, expect, it } from "vitest";
import { parseConfigFile } from "../../src/config/config-file.ts";
import { environmentVariables } from "../../src/config/environment-variables.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { ConfigurationError } from "../../src/domain/errors.ts";

function problemsOf(source: Record<string, string>): string[] {
  try {
    loadConfig(source);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(source)} to be refused`);
}

const repositoryExample = "e.g. THREADWORK_REPOS=web=https://github.com/acme/web.git,api=/srv/git/api";
const ollama =
  'uses "ollama", which is not a provider (the providers are anthropic and openai); a model served by Ollama, vLLM or llama.cpp is an openai model, reached through OPENAI_BASE_URL';

/** Bad inputs and the exact messages they produce: the variable, what is wrong, and a good value. */
const table: Array<[Record<string, string>, string[]]> = [
  [{ PORT: "abc" }, ['PORT must be a whole number from 1 to 65,535, not "abc", e.g. PORT=3000']],
  [{ PORT: "70000" }, ['PORT must be a whole number from 1 to 65,535, not "70000", e.g. PORT=3000']],
  [
    { THREADWORK_MAX_TURNS: "-3" },
    ['THREADWORK_MAX_TURNS must be a whole number of 1 or more, not "-3", e.g. THREADWORK_MAX_TURNS=80'],
  ],
  [
    { THREADWORK_SESSION_BUDGET_USD: "lots" },
    [
      'THREADWORK_SESSION_BUDGET_USD must be a number above 0, not "lots", e.g. THREADWORK_SESSION_BUDGET_USD=5',
    ],
  ],
  [
    { THREADWORK_REPOS: "no-url-here,web=/srv/git/web,also bad,web=/srv/other" },
    [
      `THREADWORK_REPOS has an entry "no-url-here" that is not name=url, ${repositoryExample}`,
      `THREADWORK_REPOS has an entry "also bad" that is not name=url, ${repositoryExample}`,
      `THREADWORK_REPOS lists "web" twice, ${repositoryExample}`,
    ],
  ],
  [
    { THREADWORK_REPOS: "web=git@github.com:acme/web.git" },
    [
      `THREADWORK_REPOS has an entry "web" whose url is an SSH address: Threadwork fetches over https, with GIT_TOKEN for private repositories, ${repositoryExample}`,
    ],
  ],
  [
    { THREADWORK_REPOS: "web=https://x-access-token:hunter2hunter2@github.com/acme/web.git" },
    [
      `THREADWORK_REPOS has an entry "web" whose url holds credentials: put the token in GIT_TOKEN, ${repositoryExample}`,
    ],
  ],
  [
    { THREADWORK_REPOS: "our web=/srv/web" },
    [
      `THREADWORK_REPOS has an entry named "our web": a name is letters, digits, dot, dash or underscore, ${repositoryExample}`,
    ],
  ],
  [
    { THREADWORK_WORKER_MODEL: "ollama:llama3" },
    [
      `THREADWORK_WORKER_MODEL ${ollama}, e.g. THREADWORK_WORKER_MODEL=openai:llama3 and OPENAI_BASE_URL=http://127.0.0.1:11434/v1`,
    ],
  ],
  [
    { THREADWORK_SUPERVISOR_MODEL: "nonsense" },
    [
      'THREADWORK_SUPERVISOR_MODEL must be written provider:model, not "nonsense", e.g. THREADWORK_SUPERVISOR_MODEL=anthropic:claude-sonnet-5-5',
    ],
  ],
  [
    { OPENAI_BASE_URL: "localhost:11434/v1" },
    [
      'OPENAI_BASE_URL "localhost:11434/v1" has no scheme: add http:// (or https://), e.g. OPENAI_BASE_URL=http://localhost:11434/v1',
    ],
  ],
  [
    { OPENAI_BASE_URL: "127.0.0.1:11434/v1" },
    [
      'OPENAI_BASE_URL "127.0.0.1:11434/v1" has no scheme: add http:// (or https://), e.g. OPENAI_BASE_URL=http://127.0.0.1:11434/v1',
    ],
  ],
  [
    { ANTHROPIC_BASE_URL: "ftp://proxy.internal" },
    [
      "ANTHROPIC_BASE_URL must be an http:// or https:// URL, not ftp://, e.g. ANTHROPIC_BASE_URL=https://anthropic-proxy.internal",
    ],
  ],
  [
    { DATABASE_URL: "mysql://app:hunter2@db/threadwork" },
    [
      "DATABASE_URL must be a postgres:// URL, not mysql://, e.g. DATABASE_URL=postgres://threadwork@db.internal:5432/threadwork",
    ],
  ],
  [
    { THREADWORK_PRICES: "{oops" },
    [
      `THREADWORK_PRICES is not valid JSON (Expected property name or '}' in JSON at position 1 (line 1 column 2)), e.g. THREADWORK_PRICES={"openai:qwen3": {"input": 0, "output": 0}}`,
    ],
  ],
  [
    {
      THREADWORK_PRICES:
        '{"ollama:llama3": {"input": 0, "output": 0}, "openai:qwen3": {"input": "free", "output": 0}}',
    },
    [
      `THREADWORK_PRICES has a price for "ollama:llama3": the name ${ollama}, e.g. THREADWORK_PRICES={"openai:qwen3": {"input": 0, "output": 0}}`,
      `THREADWORK_PRICES gives "openai:qwen3" no usable "input" price: it must be a number, 0 or more, e.g. THREADWORK_PRICES={"openai:qwen3": {"input": 0, "output": 0}}`,
    ],
  ],
  [
    { THREADWORK_CONTEXT_WINDOWS: '{"openai:qwen3-coder": "32k"}' },
    [
      `THREADWORK_CONTEXT_WINDOWS gives "openai:qwen3-coder" "32k" tokens: a window is a whole number, 1,000 or more, e.g. THREADWORK_CONTEXT_WINDOWS={"openai:qwen3-coder": 32768}`,
    ],
  ],
  [
    { THREADWORK_SHUTDOWN_SECONDS: "soon" },
    ['THREADWORK_SHUTDOWN_SECONDS must be a number above 0, not "soon", e.g. THREADWORK_SHUTDOWN_SECONDS=25'],
  ],
  [
    { THREADWORK_AGENT_TIMEOUT: "soon" },
    [
      'THREADWORK_AGENT_TIMEOUT must be a duration like 90s, 30m, 12h or 7d, not "soon", e.g. THREADWORK_AGENT_TIMEOUT=2h',
    ],
  ],
  [
    { THREADWORK_PUSH: "maybe" },
    [
      'THREADWORK_PUSH must be true or false (or 1/0, yes/no, on/off), not "maybe", e.g. THREADWORK_PUSH=false',
    ],
  ],
  [
    { LOG_LEVEL: "loud" },
    [
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not "loud", e.g. LOG_LEVEL=debug',
    ],
  ],
  [
    { SLACK_BOT_TOKEN: "xoxp-1234-5678-abcdef" },
    [
      "SLACK_BOT_TOKEN must be the bot token, which starts with xoxb- (this one starts with xoxp-), e.g. SLACK_BOT_TOKEN=xoxb-...",
    ],
  ],
  [
    { SLACK_APP_TOKEN: "xoxb-1234-5678-abcdef" },
    [
      "SLACK_APP_TOKEN must be the app-level token, which starts with xapp- (this one starts with xoxb-), e.g. SLACK_APP_TOKEN=xapp-...",
    ],
  ],
];

describe("environment errors", () => {
  it.each(table)("%j is refused with messages a person can act on", (source, expected) => {
    expect(problemsOf(source)).toEqual(expected);
  });

  it("name the variable first and end with an example of a good value", () => {
    for (const [source] of table) {
      for (const problem of problemsOf(source)) {
        const name = Object.keys(source)[0] ?? "";
        expect(problem.startsWith(`${name} `)).toBe(true);
        expect(problem).toContain(`, e.g. ${name}=`);
      }
    }
  });

  it("never echo a credential, not even a malformed one", () => {
    const text = [
      ...problemsOf({ SLACK_BOT_TOKEN: "xoxp-1234-5678-abcdef" }),
      ...problemsOf({ DATABASE_URL: "mysql://app:hunter2@db/threadwork" }),
      ...problemsOf({
        THREADWORK_REPOS: "web=https://x-access-token:hunter2hunter2@github.com/acme/web.git",
      }),
    ].join("\n");
    expect(text).not.toContain("1234-5678");
    expect(text).not.toContain("hunter2");
  });

  it("accept both spellings of a local server with a scheme, and any provider:model of a known provider", () => {
    expect(loadConfig({ OPENAI_BASE_URL: "http://localhost:11434/v1" }).openai.baseUrl).toBe(
      "http://localhost:11434/v1",
    );
    expect(loadConfig({ OPENAI_BASE_URL: "http://127.0.0.1:11434/v1" }).openai.baseUrl).toBe(
      "http://127.0.0.1:11434/v1",
    );
    const local = loadConfig(
      { OPENAI_BASE_URL: "http://127.0.0.1:11434/v1", THREADWORK_WORKER_MODEL: "openai:llama3" },
      ["provider"],
    );
    expect(local.models.worker).toEqual({ provider: "openai", model: "llama3" });
  });

  it("gives every variable an example that its own parser accepts", () => {
    // Settings that only make sense with another one.
    const oauth = {
      SLACK_CLIENT_ID: "1111.2222",
      SLACK_CLIENT_SECRET: "secret",
      SLACK_STATE_SECRET: "state",
      THREADWORK_ENCRYPTION_KEY: "a".repeat(64),
    };
    const companions: Record<string, Record<string, string>> = {
      SLACK_CLIENT_ID: oauth,
      SLACK_CLIENT_SECRET: oauth,
      SLACK_STATE_SECRET: oauth,
      THREADWORK_ENCRYPTION_KEY: oauth,
      THREADWORK_DEFAULT_REPO: { THREADWORK_REPOS: "web=https://github.com/acme/web.git" },
      THREADWORK_APPROVAL_POLICY: { THREADWORK_APPROVERS: "U012AB3CD" },
    };
    for (const variable of environmentVariables) {
      const source = { ...companions[variable.name], [variable.name]: variable.example };
      expect(() => loadConfig(source), variable.name).not.toThrow();
    }
  });

  it("say the same about an unknown provider in the configuration file", () => {
    const parsed = parseConfigFile({
      path: "/srv/threadwork.config.json",
      text: JSON.stringify({ models: { "ollama:llama3": { contextWindowTokens: 8192 } } }),
    });
    expect(parsed.problems).toEqual([
      `/srv/threadwork.config.json: models has a bad name "ollama:llama3": it ${ollama}, e.g. "openai:qwen3"`,
    ]);
  });
});
