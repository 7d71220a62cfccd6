import { type ChildProcess, execFile, spawn } from "node:child_process";
import { copyFile, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeLlmServer, startFakeLlmServer, textResponse } from "./fakes/fake-llm-server.ts";
import { FakeSlackServer } from "./fakes/fake-slack-server.ts";
import { waitUntil } from "./helpers/runtime-processes.ts";
import { scaled } from "./helpers/time-scale.ts";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "..");
const heading = "## From clone to a first answered mention";
/** The one placeholder of the section: the reader's own key goes there. */
const keyPlaceholder = "sk-ant-…";
const answer = "I can take a task, split it among sub-agents and report back here.";

/** The section's shell block, line by line, and the prose after it, as the README has them. */
function firstSection(readme: string): { commands: string[]; prose: string } {
  const start = readme.indexOf(heading);
  expect(start, `README has no "${heading}"`).toBeGreaterThanOrEqual(0);
  const body = readme.slice(start + heading.length);
  const section = body.slice(0, body.search(/\n## /));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  expect(block, "the section has no sh block").not.toBeNull();
  const commands = (block?.[1] ?? "").split("\n").filter((line) => line.trim() !== "");
  return { commands, prose: section.slice((block?.index ?? 0) + (block?.[0].length ?? 0)) };
}

/**
 * What a fresh clone holds, where `npm install` has already put the packages (a hard-linked
 * copy of this checkout's `node_modules`, so the literal `npm install` finds them up to date
 * instead of downloading 370 packages; a fresh install is the clean-install test's job).
 */
async function cloneLikeDirectory(): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), "threadwork-readme-"));
  const { stdout } = await run("git", ["ls-files"], { cwd: root });
  const entries = new Set(
    stdout
      .split("\n")
      .filter(Boolean)
      .map((file) => file.split("/")[0] ?? file),
  );
  const copied = new Set(["package.json", "package-lock.json", ".npmrc"]);
  for (const entry of entries) {
    if (copied.has(entry)) await copyFile(path.join(root, entry), path.join(directory, entry));
    else await symlink(path.join(root, entry), path.join(directory, entry));
  }
  await run("cp", ["-al", path.join(root, "node_modules"), path.join(directory, "node_modules")]);
  return directory;
}

describe("the README's first section, followed literally", () => {
  let slack: FakeSlackServer;
  let llm: FakeLlmServer;
  let directory: string;
  let service: ChildProcess | undefined;
  let serviceOutput = "";

  beforeAll(async () => {
    slack = await FakeSlackServer.start("xoxb-readme-bot-token");
    llm = await startFakeLlmServer({ models: { anthropic: ["claude-sonnet-5-5", "claude-haiku-5-5"] } });
    llm.respondWith(() => textResponse(answer));
    directory = await cloneLikeDirectory();
  });
  afterAll(async () => {
    service?.kill("SIGKILL");
    await llm?.close();
    await slack?.close();
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  /** Where the reader's Slack and model are: the fakes, reached through the documented variables. */
  const environment = () => ({
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? directory,
    NODE_ENV: "production",
    ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
    SLACK_API_URL: slack.apiUrl,
    SLACK_CONFIG_TOKEN: slack.appManifests.configToken,
  });

  function runLine(line: string, typed: string[]): Promise<{ code: number | null; output: string }> {
    const child = spawn("bash", ["-c", line], { cwd: directory, env: environment() });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += String(chunk);
    });
    child.stderr.on("data", (chunk) => {
      output += String(chunk);
    });
    for (const answerLine of typed) child.stdin.write(`${answerLine}\n`);
    child.stdin.end();
    return new Promise((resolveExit) => child.on("close", (code) => resolveExit({ code, output })));
  }

  it("takes a clone to a mention answered in its thread", { timeout: scaled(300_000) }, async () => {
    const { commands, prose } = firstSection(await readFile(path.join(root, "README.md"), "utf8"));
    expect(commands.map((line) => line.split("#")[0]?.trim())).toEqual([
      "npm install",
      `echo "ANTHROPIC_API_KEY=${keyPlaceholder}" >> .env`,
      "npm run db:migrate",
      "npm run setup",
      "npm start",
    ]);
    const mention = /`(@Threadwork [^`]+)`/.exec(prose)?.[1];
    expect(prose).toContain("/invite @Threadwork");
    expect(mention).toBeDefined();

    for (const line of commands.slice(0, -1)) {
      const literal = line.replace(keyPlaceholder, "sk-ant-readme-reader");
      // `npm run setup` asks for the bot token, then the app-level token (Socket Mode).
      const typed = line.includes("npm run setup") ? [slack.botToken, slack.appToken] : [];
      const result = await runLine(literal, typed);
      expect(result.code, `${line}\n${result.output}`).toBe(0);
      if (line.includes("npm run setup")) {
        expect(result.output).toContain("All checks passed");
        expect(result.output).toContain("/invite @Threadwork");
      }
    }

    const start = commands.at(-1) ?? "";
    service = spawn("bash", ["-c", `exec ${start}`], { cwd: directory, env: environment() });
    service.stdout?.on("data", (chunk) => {
      serviceOutput += String(chunk);
    });
    service.stderr?.on("data", (chunk) => {
      serviceOutput += String(chunk);
    });
    await waitUntil(() => slack.socketConnected, { timeoutMs: 120_000, message: () => serviceOutput });

    // In Slack: the bot is invited to a channel and mentioned there, as the README says.
    const channel = "C0README";
    const threadTs = "1700900000.000100";
    slack.sendSocketEvent({
      event_id: "EvReadme1",
      team_id: slack.teamId,
      event: {
        type: "app_mention",
        user: "U0READER",
        text: (mention ?? "").replace("@Threadwork", `<@${slack.botUserId}>`),
        ts: threadTs,
        channel,
      },
    });
    await waitUntil(
      () => slack.threadMessages(channel, threadTs).some((message) => message.text.includes(answer)),
      { timeoutMs: 120_000, message: () => serviceOutput },
    );
    expect(llm.requests.at(-1)?.lastUserText).toContain("what can you do?");

    const exited = new Promise<number | null>((resolveExit) => service?.on("exit", resolveExit));
    service.kill("SIGTERM");
    expect(await exited, serviceOutput).toBe(0);
    service = undefined;
  });
});
