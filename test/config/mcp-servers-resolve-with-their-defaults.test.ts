import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.ts";
import type { McpHttpServerConfig, McpServerConfig } from "../../src/config/mcp-config.ts";
import {
  malformedReference,
  referencedVariables,
  resolveReferences,
} from "../../src/config/mcp-references.ts";
import { isSecretName } from "../../src/config/mcp-secret-text.ts";

const file = "/srv/threadwork/threadwork.config.json";
const trackerToken = "tracker-token-that-must-stay-in-the-environment";

/** An http server with every setting given, none left to its default. */
const explicitTracker: Omit<McpHttpServerConfig, "name"> = {
  transport: "http",
  url: "https://tracker.example.com/mcp",
  headers: { Authorization: "Bearer ${TRACKER_TOKEN}" },
  use: "supervisor",
  policy: "safe",
  trustAnnotations: true,
  tools: { create_issue: { policy: "ask" } },
  timeoutSeconds: 30,
};

function configOf(contents: unknown, environment: Record<string, string> = {}) {
  return loadConfig(environment, [], { file: { path: file, text: JSON.stringify(contents) } });
}

/** A file with one http server whose Authorization header refers to `variable`, set to `value`. */
function configWithHttpServer(name: string, url: string, variable: string, value: string) {
  const server = { transport: "http", url, headers: { Authorization: `Bearer \${${variable}}` } };
  return configOf({ mcpServers: { [name]: server } }, { [variable]: value });
}

describe("MCP servers in the configuration", () => {
  it("resolves a stdio and an http server with their defaults, and a repository's server for its workers", () => {
    const config = configOf(
      {
        repositories: {
          web: {
            url: "https://github.com/acme/web.git",
            mcpServers: {
              files: {
                transport: "stdio",
                command: "/usr/bin/node",
                args: ["/opt/mcp/server-filesystem/dist/index.js", "${workspace}"],
              },
            },
          },
        },
        mcpServers: {
          everything: {
            transport: "stdio",
            command: "node",
            args: ["/opt/mcp/server-everything/dist/index.js", "stdio"],
            readOnlyPaths: ["/opt/mcp"],
          },
          tracker: explicitTracker,
        },
      },
      { TRACKER_TOKEN: trackerToken },
    );
    const expected: McpServerConfig[] = [
      {
        name: "everything",
        transport: "stdio",
        command: "node",
        args: ["/opt/mcp/server-everything/dist/index.js", "stdio"],
        environment: {},
        network: "off",
        readOnlyPaths: ["/opt/mcp"],
        use: "both",
        policy: "ask",
        trustAnnotations: false,
        tools: {},
        timeoutSeconds: 60,
      },
      // Every setting given: the server is taken as written.
      { name: "tracker", ...explicitTracker },
      {
        name: "files",
        repository: "web",
        transport: "stdio",
        command: "/usr/bin/node",
        args: ["/opt/mcp/server-filesystem/dist/index.js", "${workspace}"],
        environment: {},
        network: "off",
        readOnlyPaths: [],
        use: "workers",
        policy: "ask",
        trustAnnotations: false,
        tools: {},
        timeoutSeconds: 60,
      },
    ];
    expect(config.mcp.servers).toEqual(expected);
    // A repository's servers are not workspace settings.
    expect(config.git.repositories).toEqual([{ name: "web", url: "https://github.com/acme/web.git" }]);
  });

  it("keeps a secret as its reference: the value stays in the environment, out of the configuration", () => {
    const config = configWithHttpServer(
      "tracker",
      "https://tracker.example.com/mcp",
      "TRACKER_TOKEN",
      trackerToken,
    );
    expect(JSON.stringify(config)).not.toContain(trackerToken);
    const [tracker] = config.mcp.servers;
    if (tracker?.transport !== "http") throw new Error("expected the http server");
    expect(resolveReferences(tracker.headers.Authorization ?? "", { TRACKER_TOKEN: trackerToken })).toBe(
      `Bearer ${trackerToken}`,
    );
  });

  it("has no servers without a file or without mcpServers", () => {
    expect(loadConfig({}).mcp).toEqual({ servers: [] });
    expect(configOf({ allowCommands: ["git status"] }).mcp).toEqual({ servers: [] });
  });

  it("allows plain http to this machine, where no token crosses the network", () => {
    const config = configWithHttpServer(
      "everything",
      "http://127.0.0.1:3001/mcp",
      "EVERYTHING_TOKEN",
      "local",
    );
    expect(config.mcp.servers.map((server) => server.name)).toEqual(["everything"]);
  });
});

describe("references and secret names", () => {
  it("finds, resolves and refuses references", () => {
    const text = "--root=${workspace} --token=${TRACKER_TOKEN} ${TRACKER_TOKEN}";
    expect(referencedVariables(text)).toEqual(["TRACKER_TOKEN"]);
    expect(resolveReferences(text, { TRACKER_TOKEN: "t" }, "/work/a")).toBe("--root=/work/a --token=t t");
    expect(malformedReference(text)).toBeUndefined();
    expect(malformedReference("cost: $5")).toBeUndefined();
    expect(malformedReference("${env:TOKEN}")).toBe("${env:TOKEN}");
    expect(malformedReference("${TOKEN")).toBe("${TOKEN");
    expect(malformedReference("$TOKEN")).toBe("$TOKEN");
  });

  it("tells secret names by whole words, so KEYBOARD and AUTHOR are not secrets", () => {
    for (const name of [
      "API_KEY",
      "apiKey",
      "X-Api-Key",
      "Authorization",
      "Proxy-Authorization",
      "X-Auth-Token",
      "GITLAB_PAT",
      "DB_PASSWORD",
      "Cookie",
      "AWS_SECRET_ACCESS_KEY",
      "GITHUB_ACCESSTOKEN",
      "CLIENT_CREDENTIALS",
    ])
      expect(isSecretName(name), name).toBe(true);
    for (const name of [
      "KEYBOARD_LAYOUT",
      "AUTHOR",
      "TOKENIZER_PATH",
      "MONKEY",
      "PATH",
      "PASSAGE",
      "X-Request-Id",
    ])
      expect(isSecretName(name), name).toBe(false);
  });
});
