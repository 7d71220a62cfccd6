import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { configFileJsonSchema } from "../../src/config/config-file-schema.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { isSensitiveKey } from "../../src/domain/secret-redaction.ts";

const root = path.resolve(import.meta.dirname, "../..");
const read = (name: string) => readFileSync(path.join(root, name), "utf8");

describe("the configuration file's JSON Schema", () => {
  it("is the one generated from the zod schema (run `npm run config:schema` after changing it)", () => {
    expect(JSON.parse(read("threadwork.config.schema.json"))).toEqual(configFileJsonSchema());
  });

  it("has no field for a secret", () => {
    const names = [...read("threadwork.config.schema.json").matchAll(/"([A-Za-z]+)": \{/g)].map(
      (match) => match[1] ?? "",
    );
    expect(names.length).toBeGreaterThan(20);
    // The logger's own test for credential names: any such field would be one.
    for (const name of names) expect(isSensitiveKey(name), name).toBe(false);
  });

  it("accepts the example file, which uses every repository field", () => {
    const examplePath = path.join(root, "threadwork.config.example.json");
    const config = loadConfig({ TRACKER_TOKEN: "tracker-token-value" }, [], {
      file: { path: examplePath, text: read("threadwork.config.example.json") },
    });
    const web = config.git.repositories.find((repository) => repository.name === "web");
    expect(web).toEqual({
      name: "web",
      url: "https://github.com/acme/web.git",
      defaultBranch: "main",
      setup: {
        command: "npm ci",
        timeoutSeconds: 900,
        environment: ["NPM_TOKEN"],
        cacheKeyPaths: ["scripts/postinstall.js"],
      },
      check: { command: "npm test", retries: 2 },
      network: "off",
      allowCommands: ["npm test", "npm run lint"],
      pipelineFiles: ["deploy/pipeline.yml"],
      node: "threadwork",
    });
    expect(config.git.repositories.find((repository) => repository.name === "tools")?.url).toBe(
      "/srv/git/tools",
    );
    expect(config.git.defaultRepository).toBe("web");
    expect(config.git.allowCommands).toEqual(["git status"]);
    expect(config.priceOverrides).toEqual({ "openai:qwen3": { input: 0, output: 0 } });
    expect(config.contextWindows).toEqual({ "openai:qwen3": 32768, "anthropic:claude-sonnet-5-5": 200000 });
    expect(config.mcp.servers.map((server) => [server.name, server.transport, server.repository])).toEqual([
      ["everything", "stdio", undefined],
      ["tracker", "http", undefined],
      ["files", "stdio", "web"],
    ]);
  });

  it("refuses the example file when the variable its MCP server names is not set", () => {
    const examplePath = path.join(root, "threadwork.config.example.json");
    expect(() =>
      loadConfig({}, [], { file: { path: examplePath, text: read("threadwork.config.example.json") } }),
    ).toThrow(`mcpServers.tracker.headers.Authorization refers to \${TRACKER_TOKEN}, which is not set`);
  });

  it("is what the example file points editors to, and the README shows the file", () => {
    expect(JSON.parse(read("threadwork.config.example.json")).$schema).toBe(
      "./threadwork.config.schema.json",
    );
    expect(read("README.md")).toContain("threadwork.config.json");
  });
});
