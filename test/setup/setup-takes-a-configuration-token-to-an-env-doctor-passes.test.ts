import { spawn } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeLlmServer, startFakeLlmServer } from "../fakes/fake-llm-server.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { scaled } from "../helpers/time-scale.ts";
import { createSourceRepository, temporaryDirectory } from "../workspace/repository-fixtures.ts";

const root = resolve(import.meta.dirname, "../..");
const packageJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
};

/** An npm script exactly as package.json says, run from `directory` (where its .env is). */
function runScript(
  name: string,
  directory: string,
  environment: Record<string, string>,
  typed: string[],
  args: string[] = [],
) {
  const script = packageJson.scripts[name]?.split(" ") ?? [];
  // `exec node …`: the shell becomes node, so npm's signals reach it.
  expect(script.slice(0, 2)).toEqual(["exec", "node"]);
  const nodeArguments = script.slice(2).map((part) => part.replace(/^(\.\/)?src\//, `${root}/src/`));
  const child = spawn(join(root, "node_modules/.bin/node"), [...nodeArguments, ...args], {
    cwd: directory,
    env: { PATH: process.env.PATH ?? "", ...environment },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += String(chunk);
  });
  child.stderr.on("data", (chunk) => {
    output += String(chunk);
  });
  for (const line of typed) child.stdin.write(`${line}\n`);
  child.stdin.end();
  return new Promise<{ code: number | null; output: string }>((resolveExit) =>
    child.on("close", (code) => resolveExit({ code, output })),
  );
}

const runSetup = (
  directory: string,
  environment: Record<string, string>,
  typed: string[],
  args: string[] = [],
) => runScript("setup", directory, environment, typed, args);

describe("npm run setup", () => {
  let fake: FakeSlackServer;
  let llm: FakeLlmServer;
  let repository: { path: string; remove: () => Promise<void> };
  let directory: { path: string; remove: () => Promise<void> };

  beforeAll(async () => {
    fake = await FakeSlackServer.start("xoxb-installed-bot-token");
    llm = await startFakeLlmServer({ models: { anthropic: ["claude-sonnet-5-5", "claude-haiku-5-5"] } });
    repository = await temporaryDirectory("setup-repo");
    await createSourceRepository(repository.path, { "README.md": "# widgets\n" });
    directory = await temporaryDirectory("setup-home");
  });
  afterAll(async () => {
    await fake?.close();
    await llm?.close();
    await repository?.remove();
    await directory?.remove();
  });

  it("creates the app from an app configuration token, writes the pasted tokens to .env, and doctor passes on it", {
    timeout: scaled(120_000),
  }, async () => {
    // What a newcomer has before set-up: the model key in .env, next to a comment of their own.
    const envFile = join(directory.path, ".env");
    writeFileSync(
      envFile,
      [
        "# my Threadwork settings",
        "ANTHROPIC_API_KEY=sk-ant-setup",
        `ANTHROPIC_BASE_URL=${llm.anthropicBaseUrl}`,
        `THREADWORK_REPOS=widgets=${repository.path}`,
        "THREADWORK_SANDBOX=off",
        "SLACK_BOT_TOKEN=",
        "",
      ].join("\n"),
    );
    // As the README's first section says: the embedded database first, then the set-up.
    const migrate = await runScript("db:migrate", directory.path, { NODE_ENV: "production" }, []);
    expect(migrate.code, migrate.output).toBe(0);
    const setup = await runSetup(
      directory.path,
      {
        NODE_ENV: "production",
        SLACK_API_URL: fake.apiUrl,
        SLACK_CONFIG_TOKEN: fake.appManifests.configToken,
      },
      [fake.botToken, fake.appToken],
    );
    expect(setup.output).toContain("✓ manifest.json is valid");
    expect(setup.output).toMatch(/✓ Created app A0APP\d+/);
    expect(setup.output).toContain(
      "Install the app to your workspace: https://slack.com/oauth/v2/authorize?client_id=",
    );
    expect(setup.output).toContain("✓ The bot token works as @threadwork in Threadwork Test");
    const manifest = JSON.parse(readFileSync(resolve(import.meta.dirname, "../../manifest.json"), "utf8"));
    const scopes: string[] = manifest.oauth_config.scopes.bot;
    expect(setup.output).toContain(`✓ The bot token has all ${scopes.length} scopes manifest.json asks for`);
    expect(setup.output).toContain("All checks passed");
    expect(setup.output).toContain("/invite @Threadwork");
    expect(setup.output).toContain("@Threadwork what can you do?");
    expect(setup.code).toBe(0);

    // Slack got the manifest in Socket Mode, and nothing secret was shown or kept.
    const [app] = [...fake.appManifests.apps.values()];
    expect(app?.manifest.settings).toMatchObject({ socket_mode_enabled: true });
    for (const secret of [fake.appManifests.configToken, fake.botToken, fake.appToken, "sk-ant-setup"])
      expect(setup.output).not.toContain(secret);
    const written = readFileSync(envFile, "utf8");
    expect(written).not.toContain(fake.appManifests.configToken);
    expect(written.startsWith("# my Threadwork settings\nANTHROPIC_API_KEY=sk-ant-setup\n")).toBe(true);
    expect(written).toContain(`SLACK_BOT_TOKEN=${fake.botToken}\n`);
    expect(written).toContain(`SLACK_APP_TOKEN=${fake.appToken}\n`);
    expect(statSync(envFile).mode & 0o777).toBe(0o600);

    // The .env alone (with Slack's address) is a deployment the doctor passes.
    const doctor = spawn(
      join(root, "node_modules/.bin/node"),
      ["--env-file=.env", join(root, "src/doctor.ts")],
      {
        cwd: directory.path,
        env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", SLACK_API_URL: fake.apiUrl },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let checklist = "";
    doctor.stdout.on("data", (chunk) => {
      checklist += String(chunk);
    });
    const code = await new Promise<number | null>((resolveExit) => doctor.on("close", resolveExit));
    expect(checklist).toContain("✓ Slack app token (Socket Mode)");
    expect(code).toBe(0);

    // Run again: the values already in .env are kept, not asked for, not replaced.
    const again = await runSetup(
      directory.path,
      {
        NODE_ENV: "production",
        SLACK_API_URL: fake.apiUrl,
        SLACK_CONFIG_TOKEN: fake.appManifests.configToken,
      },
      [],
    );
    expect(again.output).toContain("kept SLACK_BOT_TOKEN, SLACK_APP_TOKEN already set there");
    expect(readFileSync(envFile, "utf8")).toBe(written);
    expect(again.code).toBe(0);
  });

  it("prints help", { timeout: scaled(60_000) }, async () => {
    const help = await runSetup(directory.path, {}, [], ["--help"]);
    expect(help.output).toContain("--config-token");
    expect(help.code).toBe(0);
  });
});
