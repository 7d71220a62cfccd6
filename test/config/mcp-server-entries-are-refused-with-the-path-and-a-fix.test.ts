import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.ts";
import { ConfigurationError } from "../../src/domain/errors.ts";

const file = "/etc/threadwork/threadwork.config.json";

function problemsOf(contents: unknown, environment: Record<string, string> = {}): string[] {
  try {
    loadConfig(environment, [], { file: { path: file, text: JSON.stringify(contents) } });
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigurationError");
}

const tracker = (settings: Record<string, unknown>) => ({
  mcpServers: { tracker: { transport: "http", url: "https://tracker.example.com/mcp", ...settings } },
});
const everything = (settings: Record<string, unknown>) => ({
  mcpServers: { everything: { transport: "stdio", command: "node", ...settings } },
});
const inWeb = (servers: Record<string, unknown>) => ({
  repositories: { web: { url: "/srv/git/web", mcpServers: servers } },
});

const literal = (where: string, example: string) =>
  `${file}: ${where} holds a value written in the file, and its name says it is a secret: set the secret in Threadwork's environment under a name of its own and refer to it, e.g. ${example}`;

const table: Array<{
  name: string;
  contents: unknown;
  environment?: Record<string, string>;
  problems: string[];
}> = [
  {
    name: "a literal Authorization header",
    contents: tracker({ headers: { Authorization: "hunter2hunter2" } }),
    problems: [literal("mcpServers.tracker.headers.Authorization", '"Bearer ${TRACKER_TOKEN}"')],
  },
  {
    name: "a short literal bearer credential, whatever the header's name",
    contents: tracker({ headers: { "X-Forwarded-Access": "Bearer abc" } }),
    problems: [
      `${file}: mcpServers.tracker.headers.X-Forwarded-Access looks like a bearer credential written in the file: set it in Threadwork's environment under a name of its own and refer to it here, e.g. \${TRACKER_TOKEN}`,
    ],
  },
  {
    name: "a GitHub token in a header",
    contents: tracker({ headers: { "X-Other": "ghp_abcdefghijklmnopqrstuvwxyz" } }),
    problems: [
      `${file}: mcpServers.tracker.headers.X-Other looks like a secret: secrets are never read from this file; set them in the environment and write \${NAME} here`,
    ],
  },
  {
    name: "token shapes in a stdio server's environment and arguments",
    contents: everything({
      environment: { SLACK: "xoxb-1", OPENAI: "sk-a" },
      args: ["--pat", "github_pat_1"],
    }),
    problems: [
      `${file}: mcpServers.everything.environment.SLACK looks like a secret: secrets are never read from this file; set them in the environment and write \${NAME} here`,
      `${file}: mcpServers.everything.args[1] looks like a GitHub token written in the file: set it in Threadwork's environment under a name of its own and refer to it here, e.g. \${TRACKER_TOKEN}`,
      `${file}: mcpServers.everything.environment.OPENAI looks like an API key (sk-…) written in the file: set it in Threadwork's environment under a name of its own and refer to it here, e.g. \${TRACKER_TOKEN}`,
    ],
  },
  {
    name: "literal values for secret-named variables and flags, but not KEYBOARD or AUTHOR",
    contents: everything({
      environment: { KEYBOARD_LAYOUT: "us", AUTHOR: "ada", DB_PASSWORD: "hunter2", apiKey: "abc" },
      args: ["--api-key=abc", "--tokenizer=fast"],
    }),
    problems: [
      literal("mcpServers.everything.args[0]", "--api-key=${TRACKER_TOKEN}"),
      literal("mcpServers.everything.environment.DB_PASSWORD", '"${TRACKER_TOKEN}"'),
      literal("mcpServers.everything.environment.apiKey", '"${TRACKER_TOKEN}"'),
    ],
  },
  {
    name: "a secret named with more than a scheme around the reference",
    contents: tracker({ headers: { Authorization: "hunter2${TRACKER_TOKEN}" } }),
    environment: { TRACKER_TOKEN: "tracker-token" },
    problems: [literal("mcpServers.tracker.headers.Authorization", '"Bearer ${TRACKER_TOKEN}"')],
  },
  {
    name: "${workspace} in an HTTP server",
    contents: tracker({ headers: { "X-Root": "${workspace}" } }),
    problems: [
      `${file}: mcpServers.tracker.headers.X-Root uses \${workspace}, which only a stdio server's args and environment may: an HTTP server has no agent's working copy, e.g. "Bearer \${TRACKER_TOKEN}"`,
    ],
  },
  {
    name: "one of Threadwork's own credentials",
    contents: tracker({ headers: { Authorization: "Bearer ${GITHUB_TOKEN}" } }),
    environment: { GITHUB_TOKEN: "ghp_service" },
    problems: [
      `${file}: mcpServers.tracker.headers.Authorization names \${GITHUB_TOKEN}, one of Threadwork's own credentials, which no MCP server receives: give the server its own narrow token, e.g. \${TRACKER_TOKEN}`,
    ],
  },
  {
    name: "references Threadwork does not expand",
    contents: everything({ args: ["${TOKEN:-x}", "$HOME/data", "${ workspace }"] }),
    problems: [0, 1, 2].map(
      (index) =>
        `${file}: mcpServers.everything.args[${index}] holds ${["${TOKEN:-x}", "$HOME", "${ workspace }"][index]}, which Threadwork does not expand: write \${NAME} for an environment variable or \${workspace} for the agent's working copy, e.g. "\${workspace}"`,
    ),
  },
  {
    name: "a relative command, and a command with its arguments",
    contents: {
      mcpServers: {
        local: { transport: "stdio", command: "./bin/server" },
        npx: { transport: "stdio", command: "npx -y @modelcontextprotocol/server-everything" },
      },
    },
    problems: [
      `${file}: mcpServers.local.command must be an executable's name on Threadwork's PATH or an absolute path: a relative path would depend on where Threadwork starts, e.g. "node"`,
      `${file}: mcpServers.npx.command must be one executable, without spaces: put its arguments in args, e.g. "node"`,
    ],
  },
  {
    name: "a URL that is not http(s), or that carries credentials",
    contents: {
      mcpServers: {
        ftp: { transport: "http", url: "ftp://tracker.example.com/mcp" },
        query: { transport: "http", url: "https://tracker.example.com/mcp?api_key=abc" },
        user: { transport: "http", url: "https://bot@tracker.example.com/mcp" },
        named: { transport: "http", url: "https://${TRACKER_HOST}/mcp" },
      },
    },
    problems: [
      `${file}: mcpServers.ftp.url must be an http or https URL, e.g. "https://tracker.example.com/mcp"`,
      `${file}: mcpServers.query.url must not hold credentials: send them in headers, e.g. "Authorization": "Bearer \${TRACKER_TOKEN}"`,
      `${file}: mcpServers.user.url must not hold credentials: send them in headers, e.g. "Authorization": "Bearer \${TRACKER_TOKEN}"`,
      `${file}: mcpServers.named.url is used as written, without references: put secrets in headers, e.g. "https://tracker.example.com/mcp"`,
    ],
  },
  {
    name: "a password in the URL",
    contents: tracker({ url: "https://bot:hunter2@tracker.example.com/mcp" }),
    problems: [
      `${file}: mcpServers.tracker.url looks like a secret: secrets are never read from this file; set them in the environment and write \${NAME} here`,
    ],
  },
  {
    name: "a token sent over plain http to another machine",
    contents: tracker({
      url: "http://tracker.internal/mcp",
      headers: { Authorization: "Bearer ${TRACKER_TOKEN}" },
    }),
    environment: { TRACKER_TOKEN: "tracker-token" },
    problems: [
      `${file}: mcpServers.tracker.url is plain http to another machine, and the headers would send \${TRACKER_TOKEN} across the network in clear: use https, e.g. "https://tracker.example.com/mcp"`,
    ],
  },
  {
    name: "a header the client sets itself",
    contents: tracker({ headers: { "Mcp-Session-Id": "1" } }),
    problems: [
      `${file}: mcpServers.tracker.headers has a bad name "Mcp-Session-Id": it is set by the MCP client itself and cannot be configured, e.g. "Authorization"`,
    ],
  },
  {
    name: "read-only paths that are relative, the whole host, or inside the data directory",
    contents: everything({ readOnlyPaths: ["opt/mcp"] }),
    problems: [
      `${file}: mcpServers.everything.readOnlyPaths[0] must be an absolute path, without . or .. or references, e.g. "/opt/mcp/node_modules"`,
    ],
  },
  {
    name: "read-only paths that show the whole host or Threadwork's data",
    contents: everything({ readOnlyPaths: ["/", "/srv/threadwork/workspaces"] }),
    environment: { THREADWORK_DATA_DIR: "/srv/threadwork" },
    problems: [
      `${file}: mcpServers.everything.readOnlyPaths[0] would show the server the whole host: name only what it needs, such as where its package is installed`,
      `${file}: mcpServers.everything.readOnlyPaths[1] is or is inside Threadwork's data directory (/srv/threadwork), which no MCP server may see: a server gets an agent's working copy through \${workspace}`,
    ],
  },
  {
    name: "no transport, and a field of the other transport",
    contents: {
      mcpServers: {
        everything: { command: "node" },
        tracker: { transport: "http", url: "https://tracker.example.com/mcp", command: "node" },
      },
    },
    problems: [
      `${file}: mcpServers.everything.transport must be "stdio" or "http", e.g. "stdio"`,
      `${file}: mcpServers.tracker has no setting "command" (known: transport, url, headers, use, policy, trustAnnotations, tools, timeoutSeconds), e.g. {"transport":"http","url":"https://tracker.example.com/mcp","headers":{"Authorization":"Bearer \${TRACKER_TOKEN}"}}`,
    ],
  },
  {
    name: "server names that would not end clearly in a tool's name",
    contents: {
      mcpServers: {
        my__tracker: { transport: "http", url: "https://tracker.example.com/mcp" },
        "a-very-long-tracker-name": { transport: "http", url: "https://tracker.example.com/mcp" },
        "9tracker": { transport: "http", url: "https://tracker.example.com/mcp" },
      },
    },
    problems: [
      `${file}: mcpServers has a bad name "my__tracker": it must not hold __ or end with _: tools are named server__tool, so the name must show where it ends, e.g. "tracker"`,
      `${file}: mcpServers has a bad name "a-very-long-tracker-name": it must be at most 20 characters, e.g. "tracker"`,
      `${file}: mcpServers has a bad name "9tracker": it must start with a letter and hold only letters, digits, - and _, e.g. "tracker"`,
    ],
  },
  {
    name: "a policy, an audience and a timeout out of range",
    contents: everything({ policy: "always", use: "everyone", timeoutSeconds: 0 }),
    problems: [
      `${file}: mcpServers.everything.use must be "supervisor" or "workers" or "both", e.g. "both"`,
      `${file}: mcpServers.everything.policy must be "safe" or "ask" or "never", e.g. "ask"`,
      `${file}: mcpServers.everything.timeoutSeconds must be more than 0, e.g. 60`,
    ],
  },
  {
    name: "a tool wider than its server, and ${workspace} for the supervisor",
    contents: everything({ use: "supervisor", args: ["${workspace}"], tools: { echo: { use: "workers" } } }),
    problems: [
      `${file}: mcpServers.everything.tools.echo.use must be within its server's use ("supervisor"): a tool cannot reach agents its server does not, e.g. "workers"`,
      `${file}: mcpServers.everything.use is "supervisor", but args or environment use \${workspace}, a worker's working copy the supervisor has none of: use "workers" or "both", e.g. "both"`,
    ],
  },
  {
    name: "a repository's server offered to the supervisor",
    contents: inWeb({
      files: { transport: "stdio", command: "node", use: "both", tools: { read: { use: "supervisor" } } },
      notes: { transport: "stdio", command: "node", tools: { "bad name!": {}, write: { use: "both" } } },
    }),
    problems: [
      `${file}: repositories.web.mcpServers.files.use must be "workers": a repository's server reaches only that repository's workers; list it in the top-level mcpServers to offer it to the supervisor, e.g. "workers"`,
      `${file}: repositories.web.mcpServers.files.tools.read.use must be "workers": a repository's server reaches only that repository's workers; list it in the top-level mcpServers to offer it to the supervisor, e.g. "workers"`,
      `${file}: repositories.web.mcpServers.notes.tools has a bad name "bad name!": it must be the tool's name as the server lists it: letters, digits, _ - . / (at most 128), e.g. "create_issue"`,
      `${file}: repositories.web.mcpServers.notes.tools.write.use must be "workers": a repository's server reaches only that repository's workers; list it in the top-level mcpServers to offer it to the supervisor, e.g. "workers"`,
    ],
  },
  {
    name: "a repository's server named like a deployment one",
    contents: {
      ...tracker({}),
      ...inWeb({ tracker: { transport: "http", url: "https://tracker.example.com/mcp" } }),
    },
    problems: [
      `${file}: repositories.web.mcpServers.tracker has the name of the deployment's server mcpServers.tracker: the repository's workers would get both as tracker__…; rename one`,
    ],
  },
];

describe("an invalid MCP server entry stops start-up, naming the file, the JSON path and a fix", () => {
  it.each(table)("$name", ({ contents, environment, problems }) => {
    expect(problemsOf(contents, environment)).toEqual(problems);
  });

  it("names the server and the variable when a referenced variable is not set", () => {
    const contents = {
      ...tracker({ headers: { Authorization: "Bearer ${TRACKER_TOKEN}" } }),
      ...inWeb({ files: { transport: "stdio", command: "node", environment: { TOKEN: "${FILES_TOKEN}" } } }),
    };
    expect(problemsOf(contents, { FILES_TOKEN: " " })).toEqual([
      `${file}: mcpServers.tracker.headers.Authorization refers to \${TRACKER_TOKEN}, which is not set: set TRACKER_TOKEN in Threadwork's environment (the MCP server "tracker" needs it), or remove the reference`,
      `${file}: repositories.web.mcpServers.files.environment.TOKEN refers to \${FILES_TOKEN}, which is not set: set FILES_TOKEN in Threadwork's environment (the MCP server "files" needs it), or remove the reference`,
    ]);
  });
});
