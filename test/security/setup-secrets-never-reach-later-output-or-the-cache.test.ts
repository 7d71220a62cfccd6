import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SetupCache } from "../../src/adapters/environment/setup-cache.ts";
import { detectSandbox } from "../../src/adapters/process/sandbox-probe.ts";
import { createEnvironmentSetup } from "../../src/adapters/workspace/environment-setup.ts";
import { resolveToolOptions } from "../../src/adapters/workspace/workspace-tool-options.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import type { RepositoryConfig } from "../../src/config/repository-config.ts";
import { redactSecrets } from "../../src/domain/secret-redaction.ts";
import type { Workspace } from "../../src/domain/tool.ts";
import { createLogger } from "../../src/logger.ts";
import { createWorkspaceTools } from "../../src/tools/workspace/create-workspace-tools.ts";
import { scaled } from "../helpers/time-scale.ts";
import {
  callTool,
  createSourceRepository,
  git,
  temporaryDirectory,
  toolContext,
} from "../workspace/repository-fixtures.ts";

const sandbox = await detectSandbox("required");

/** Shaped like nothing the shape-based redaction knows. */
const registryToken = "RegistryValue-7f3a9c2e4b1d58e6";
const otelHeaders = "x-honeycomb-team=OtelHeaderValue91c2";
const otelTraceHeaders = "authorization=Basic OtelTraceValue55a7";
const databasePassword = "PgPasswordValue3e81";
const encodedLogin = Buffer.from(`me:${registryToken}`).toString("base64");

/** Everything under `directory` that holds `needle`, as paths relative to it. */
async function filesHolding(directory: string, needle: string): Promise<string[]> {
  if (!existsSync(directory)) return [];
  const found: string[] = [];
  for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await readFile(path)).includes(needle)) found.push(path.slice(directory.length + 1));
  }
  return found;
}

/**
 * A registry token the operator gives setup is setup's alone: what setup writes with it (a
 * `~/.npmrc`, a config file among the installed packages) is not left for the agent's commands, never
 * stored in the setup cache, and the value is redacted wherever text is redacted. Threadwork's own
 * credentials never reach setup, those the variable table marks secret and those its libraries read.
 */
describe("setup secrets never reach later output or the cache", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let cacheDirectory: string;
  let setup: ReturnType<typeof createEnvironmentSetup>;
  let count = 0;
  const signal = new AbortController().signal;
  const tools = createWorkspaceTools({ allowCommands: [], sandbox: "required" });

  async function newWorkspace(repoName: string): Promise<Workspace> {
    count += 1;
    const root = join(directory.path, "workspaces", `w${count}`);
    await git(directory.path, "clone", "-q", join(directory.path, "source"), root);
    return { repoName, root, branch: "main", baseCommit: (await git(root, "rev-parse", "HEAD")).trim() };
  }

  beforeAll(async () => {
    expect(sandbox.state).toBe("active");
    directory = await temporaryDirectory("setup-secrets");
    await createSourceRepository(join(directory.path, "source"), {
      "package.json": '{"name": "widgets"}\n',
      "package-lock.json": '{"lockfileVersion": 3}\n',
    });
    cacheDirectory = join(directory.path, "data", "setup-cache");
    const repositories: RepositoryConfig[] = [
      {
        name: "private",
        url: join(directory.path, "source"),
        setup: {
          command: [
            `printf '//registry.example/:_authToken=%s\\n' "$REGISTRY_TOKEN" > "$HOME/.npmrc"`,
            "mkdir -p node_modules/fixture",
            "echo installed > node_modules/fixture/index.js",
            `printf 'registry token %s\\n' "$REGISTRY_TOKEN" > node_modules/.registry-config`,
            `echo "$REGISTRY_TOKEN" > /tmp/leftover`,
            // As `docker login` writes it: base64 of user:token.
            "mkdir -p ~/.docker",
            `printf '{"auths":{"registry.example":{"auth":"%s"}}}' "$(printf 'me:%s' "$REGISTRY_TOKEN" | base64 -w0)" > ~/.docker/config.json`,
          ].join(" && "),
          environment: ["REGISTRY_TOKEN"],
        },
      },
      {
        name: "greedy",
        url: join(directory.path, "source"),
        setup: {
          command: "env > seen-environment.txt",
          environment: [
            "OTEL_EXPORTER_OTLP_HEADERS",
            "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
            "PGPASSWORD",
            "SLACK_BOT_TOKEN",
          ],
        },
      },
    ];
    setup = createEnvironmentSetup({
      tools: resolveToolOptions({ allowCommands: [], sandbox: "required", hiddenPaths: [cacheDirectory] }),
      repositories,
      cache: new SetupCache({ directory: cacheDirectory }),
      logger: pino({ level: "silent" }),
      environmentSource: {
        REGISTRY_TOKEN: registryToken,
        OTEL_EXPORTER_OTLP_HEADERS: otelHeaders,
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: otelTraceHeaders,
        PGPASSWORD: databasePassword,
        SLACK_BOT_TOKEN: "xoxb-never-passed-to-setup",
      },
    });
  });
  afterAll(async () => {
    await directory?.remove();
  });

  it("leaves no file holding the token for later commands, stores none in the cache, and redacts it everywhere", {
    timeout: scaled(120_000),
  }, async () => {
    const first = await newWorkspace("private");
    const ran = await setup.prepare(first, signal);
    expect(ran).toMatchObject({ status: "passed", source: "ran" });
    expect(ran?.output).toContain("held a setup secret");
    expect(ran?.output).not.toContain(registryToken);
    // The installed packages stay; the files holding the token are gone.
    expect(existsSync(join(first.root, "node_modules", "fixture", "index.js"))).toBe(true);
    for (const place of [first.root, `${first.root}.home`, `${first.root}.tmp`]) {
      expect(await filesHolding(place, registryToken), place).toEqual([]);
      expect(await filesHolding(place, encodedLogin), place).toEqual([]);
    }
    expect(ran?.output).toContain("~/.docker/config.json");

    // A later command finds nothing to print, in any encoding.
    const context = toolContext(first);
    const printed = await callTool(
      tools,
      "run_command",
      {
        command:
          "cat ~/.npmrc node_modules/.registry-config /tmp/leftover; base64 -w0 ~/.npmrc node_modules/.registry-config",
      },
      context,
    );
    expect(printed).not.toContain(registryToken);
    expect(printed).not.toContain(Buffer.from(registryToken).toString("base64").slice(0, 16));

    // The cache holds no copy of it, and a workspace restored from the cache reads none.
    expect(await filesHolding(cacheDirectory, registryToken)).toEqual([]);
    const second = await newWorkspace("private");
    expect(await setup.prepare(second, signal)).toMatchObject({ status: "passed", source: "cache" });
    const read = await callTool(
      tools,
      "read_file",
      { path: "node_modules/.registry-config" },
      toolContext(second),
    ).catch((error: unknown) => String(error));
    expect(read).not.toContain(registryToken);
    expect(existsSync(join(second.root, "node_modules", "fixture", "index.js"))).toBe(true);

    // Wherever output is redacted (tool results, transcripts, Slack, logs), the value is too.
    expect(redactSecrets(`printed ${registryToken} again`)).toBe("printed [REDACTED] again");
    expect(redactSecrets(`"auth": "${encodedLogin}"`)).not.toContain(encodedLogin.slice(4, -4));
    const lines: string[] = [];
    const logger = createLogger({
      level: "info",
      environment: "production",
      destination: { write: (line: string) => lines.push(line) },
    });
    logger.info({ note: `token=${registryToken}` }, `saw ${registryToken}`);
    expect(lines.join("")).not.toContain(registryToken);
  });

  it("drops a cache copy in which a file or a symlink holds a secret", async () => {
    const cache = new SetupCache({ directory: join(directory.path, "cache-direct") });
    const root = join(directory.path, "direct");
    await mkdir(join(root, "node_modules", "deep"), { recursive: true });
    await writeFile(join(root, "node_modules", "deep", "config"), `before ${registryToken} after`);
    const stored = await cache.store(
      "private",
      "key-1",
      root,
      { entries: ["node_modules"], command: "npm ci", durationMs: 1 },
      [Buffer.from(registryToken)],
    );
    expect(stored.refused).toEqual(["node_modules/deep/config"]);
    expect(await cache.lookup("private", "key-1")).toBeUndefined();
    expect(await filesHolding(join(directory.path, "cache-direct"), registryToken)).toEqual([]);

    await rm(join(root, "node_modules", "deep", "config"));
    await symlink(`/${registryToken}`, join(root, "node_modules", "deep", "link"));
    const linked = await cache.store(
      "private",
      "key-1",
      root,
      { entries: ["node_modules"], command: "npm ci", durationMs: 1 },
      [Buffer.from(registryToken)],
    );
    expect(linked.refused).toEqual(["node_modules/deep/link"]);
    expect(await cache.lookup("private", "key-1")).toBeUndefined();
  });

  it("refuses the service's credentials as setup variables and never passes them to setup", async () => {
    for (const name of [
      "OTEL_EXPORTER_OTLP_HEADERS",
      "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
      "OTEL_EXPORTER_OTLP_METRICS_HEADERS",
      "PGPASSWORD",
      "SLACK_BOT_TOKEN",
      // npm run setup's app configuration token: it creates and rewrites Slack apps.
      "SLACK_CONFIG_TOKEN",
    ]) {
      expect(
        () =>
          loadConfig({}, [], {
            file: {
              path: "/etc/threadwork/threadwork.config.json",
              text: JSON.stringify({
                repositories: {
                  web: {
                    url: "https://github.com/acme/web.git",
                    setup: { command: "npm ci", environment: ["NPM_TOKEN", name] },
                  },
                },
              }),
            },
          }),
        name,
      ).toThrow(/is one of Threadwork's own credentials/);
    }

    // A repository configured past the file's checks still gets none of them.
    const workspace = await newWorkspace("greedy");
    const outcome = await setup.prepare(workspace, signal);
    expect(outcome).toMatchObject({ status: "passed" });
    expect(outcome?.output).toContain("Threadwork's own credentials, never passed");
    const seen = await readFile(join(workspace.root, "seen-environment.txt"), "utf8");
    for (const value of [otelHeaders, otelTraceHeaders, databasePassword, "xoxb-never-passed-to-setup"]) {
      expect(seen).not.toContain(value);
    }
    expect(seen).not.toMatch(/OTEL_|PGPASSWORD|SLACK_BOT_TOKEN/);
  });
});
