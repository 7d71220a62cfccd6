import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findSupervisor, listAgentsForSession } from "../../src/adapters/database/agents.ts";
import { migrateDatabase } from "../../src/adapters/database/migrate.ts";
import { type DatabaseHandle, openDatabase } from "../../src/adapters/database/open-database.ts";
import { findSessionByKey, getSession } from "../../src/adapters/database/sessions.ts";
import { loadTranscript } from "../../src/adapters/database/transcript.ts";
import { type AssembledRuntime, assembleRuntime } from "../../src/application/assemble-runtime.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { textOf } from "../../src/domain/messages.ts";
import { createDatabaseSlackStore } from "../../src/surfaces/slack/database-slack-store.ts";
import {
  type FakeLlmRequest,
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { createEmptyPostgresDatabase } from "../helpers/database.ts";
import {
  briefOf,
  isSupervisorRequest,
  lastCallName,
  testRuntimeOptions,
} from "../helpers/runtime-harness.ts";
import { waitUntil } from "../helpers/runtime-processes.ts";
import { scaled } from "../helpers/time-scale.ts";
import { channel, type Harness, startHarness } from "../slack/support/harness.ts";
import { createSourceRepository, git, temporaryDirectory } from "../workspace/repository-fixtures.ts";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
/** Node itself, so that stderr holds the chat's own words and not npm's report of the exit code. */
const chatProgram = `${join(root, "node_modules/.bin/node")} src/chat.ts`;
const owner = "U0OWNER";
const threadTs = "1700020000.000100";

function respond(request: FakeLlmRequest) {
  if (isSupervisorRequest(request)) {
    const text = request.lastUserText;
    if (text.includes("how is it going")) return textResponse("Going well, said at the terminal.");
    if (text.includes("one more thing from slack")) return textResponse("Answered a Slack reply.");
    if (request.lastToolResults.length > 0 && lastCallName(request) === "spawn_agent") {
      return textResponse("Started.");
    }
    if (text.includes('"Asker"') && text.includes("finished")) return textResponse("The colour is blue.");
    if (text.includes("finished")) return textResponse("The greeting is written.");
    if (text.includes("ask me a colour")) {
      return toolCallResponse([
        { name: "spawn_agent", input: { title: "Asker", brief: "ask: which colour" } },
      ]);
    }
    if (text.includes("write a greeting")) {
      return toolCallResponse([
        { name: "spawn_agent", input: { title: "Greeter", brief: "greet: write hello.txt", repo: "app" } },
      ]);
    }
    return textResponse("Noted.");
  }
  if (briefOf(request).startsWith("ask")) {
    if (request.turnIndex === 0) {
      return toolCallResponse([
        { name: "ask_user", input: { question: "Which colour?", choices: ["blue", "green"] } },
      ]);
    }
    return toolCallResponse([{ name: "finish", input: { summary: "Colour chosen." } }]);
  }
  if (!briefOf(request).startsWith("greet")) return textResponse("?");
  if (request.turnIndex === 0) {
    return toolCallResponse([{ name: "write_file", input: { path: "hello.txt", content: "hello\n" } }]);
  }
  return toolCallResponse([{ name: "finish", input: { summary: "Wrote hello.txt." } }]);
}

/** The inline code spans of a Block Kit message's text, in order. */
function codeSpans(blocks: unknown[]): string[] {
  const text = JSON.stringify(blocks);
  return [...text.matchAll(/`([^`]+)`/g)].map((match) =>
    (match[1] ?? "").replaceAll("&amp;", "&").replaceAll("&lt;", "<").replaceAll("&gt;", ">"),
  );
}

/** `npm run chat …` as a person types it, on pipes; what it prints is collected. */
function startChat(command: string, environment: Record<string, string>) {
  const child: ChildProcessWithoutNullStreams = spawn("sh", ["-c", command], {
    cwd: root,
    env: { ...process.env, ...environment },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolveExit) => child.on("exit", (code) => resolveExit(code)));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    shows: (text: string, timeoutMs = 60_000) =>
      waitUntil(() => stdout.includes(text), { timeoutMs, message: () => `${stdout}\n${stderr}` }),
    type: (line: string) => child.stdin.write(`${line}\n`),
  };
}

describe("a worker's branch opens locally, and its Slack session continues at the terminal", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let database: { url: string; drop(): Promise<void> };
  let handle: DatabaseHandle;
  let llm: FakeLlmServer;
  let fake: FakeSlackServer;
  let assembled: AssembledRuntime;
  let harness: Harness;
  let chatEnvironment: Record<string, string>;
  const started: ReturnType<typeof startChat>[] = [];

  beforeAll(async () => {
    directory = await temporaryDirectory("open-locally");
    await createSourceRepository(join(directory.path, "source", "app"), { "README.md": "# App\n" });
    database = await createEmptyPostgresDatabase();
    handle = await openDatabase({ url: database.url, dataDir: "", logger: pino({ level: "silent" }) });
    await migrateDatabase(handle);
    llm = await startFakeLlmServer();
    llm.respondWith(respond);
    fake = await FakeSlackServer.start();
    const environment = {
      ANTHROPIC_API_KEY: "sk-ant-test",
      ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
      THREADWORK_DATA_DIR: join(directory.path, "data"),
      THREADWORK_REPOS: `app=${join(directory.path, "source", "app")}`,
    };
    const config = loadConfig(environment, ["provider"]);
    assembled = assembleRuntime({
      config,
      database: handle,
      logger: pino({ level: "silent" }),
      runtimeOptions: testRuntimeOptions,
      scope: { surface: "slack" },
    });
    harness = await startHarness({
      runtime: assembled.runtime,
      fake,
      store: createDatabaseSlackStore(handle.db),
    });
    await assembled.runtime.start();
    chatEnvironment = {
      ...environment,
      THREADWORK_DATA_DIR: join(directory.path, "chat-data"),
      DATABASE_URL: database.url,
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_API_URL: fake.apiUrl,
    };
  }, scaled(60_000));

  afterAll(async () => {
    for (const chat of started) chat.child.kill("SIGKILL");
    await harness?.stop();
    await assembled?.runtime.stop();
    await fake?.close();
    await llm?.close();
    await handle?.close();
    await database?.drop();
    await directory?.remove();
  });

  it("lists exact commands that check out the worker's commit, and npm run chat -- --session continues the same supervisor, told in the thread", {
    timeout: scaled(180_000),
  }, async () => {
    await harness.event("EvOpen", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> write a greeting`,
      ts: threadTs,
      channel,
    });
    const results = await fake.waitFor(() => fake.latestThreadMessage(channel, threadTs, "Results:"), 30_000);
    const session = await findSessionByKey(handle.db, "slack", `${fake.teamId}:${channel}:${threadTs}`);
    if (!session) throw new Error("no session");
    const [worker] = (await listAgentsForSession(handle.db, session.id)).filter(
      (agent) => agent.role === "worker",
    );
    const result = worker?.result as { branch: string; commit: string; fetchFrom: string } | undefined;
    expect(result?.branch).toMatch(/^threadwork\//);

    // "Open locally" carries the exact commands; run them in a fresh clone of the repository.
    expect(JSON.stringify(results.blocks)).toContain("Open locally");
    const spans = codeSpans(results.blocks);
    const fetch = spans.find((span) => span.startsWith("git fetch "));
    const chatCommand = spans.find((span) => span.startsWith("npm run chat -- --session "));
    expect(fetch).toBe(
      `git fetch ${result?.fetchFrom} ${result?.branch}:${result?.branch} && git switch ${result?.branch}`,
    );
    expect(chatCommand).toBe(`npm run chat -- --session ${session.id} --as ${owner}`);
    const clone = join(directory.path, "clone");
    await git(directory.path, "clone", "-q", join(directory.path, "source", "app"), clone);
    await run("sh", ["-c", fetch ?? "false"], { cwd: clone });
    expect((await git(clone, "rev-parse", "--abbrev-ref", "HEAD")).trim()).toBe(result?.branch);
    expect((await git(clone, "rev-parse", "HEAD")).trim()).toBe(result?.commit);
    expect((await git(clone, "show", "HEAD:hello.txt")).trim()).toBe("hello");

    // A question waits on the owner in Slack when the session moves to the terminal.
    await harness.event("EvAsk", {
      type: "message",
      user: owner,
      text: "ask me a colour",
      ts: "1700020050.000100",
      thread_ts: threadTs,
      channel,
    });
    await fake.waitFor(() => fake.latestThreadMessage(channel, threadTs, "Asker asks:"), 30_000);

    // The chat command, as Slack shows it, continues the session at the terminal.
    const supervisor = await findSupervisor(handle.db, session.id);
    const before = supervisor ? (await loadTranscript(handle.db, supervisor.id)).length : 0;
    const chat = startChat(chatCommand ?? "false", chatEnvironment);
    started.push(chat);
    await chat.shows("Type a message to talk to the supervisor", 90_000);
    expect(chat.stdout()).toContain(`Session ${session.id}`);
    expect(chat.stdout()).toContain("Greeter");
    expect(chat.stdout()).toMatch(/\n {2}2\. \[waiting\] Asker .*\nLast answer: \S/);
    await chat.shows("Waiting on you:\n? #1 Asker asks: Which colour?");
    const moved = await fake.waitFor(() =>
      fake.latestThreadMessage(channel, threadTs, ":arrow_right: Continued in a terminal on"),
    );
    expect(moved.text).toContain(`by <@${owner}>`);
    // One terminal at a time: a second chat on the same session is refused while this one holds it.
    const second = startChat(`${chatProgram} --session ${session.id} --as ${owner}`, chatEnvironment);
    started.push(second);
    expect(await second.exited).toBe(2);
    expect(second.stderr().trim()).toMatch(
      new RegExp(
        `^threadwork chat: Session ${session.id} is already continued in a terminal on .+; leave that chat first\\.$`,
      ),
    );

    // The pending question is answered at the terminal; the worker finishes and the answer reaches both.
    chat.type("/answer 1 blue");
    await chat.shows("The colour is blue.");
    await fake.waitFor(() =>
      fake.latestThreadMessage(channel, threadTs, "From the terminal:\n\nThe colour is blue."),
    );

    chat.type("how is it going?");
    await chat.shows("Going well, said at the terminal.");
    const after = await loadTranscript(handle.db, supervisor?.id ?? "");
    expect(after.length).toBeGreaterThan(before);
    expect(after.some((entry) => textOf(entry.message).includes("how is it going?"))).toBe(true);
    expect((await findSupervisor(handle.db, session.id))?.id).toBe(supervisor?.id);
    await fake.waitFor(() =>
      fake.latestThreadMessage(channel, threadTs, "From the terminal:\n\nGoing well, said at the terminal."),
    );

    // A reply in the thread still reaches the supervisor; the terminal runs it and both see the answer.
    await harness.event("EvReply", {
      type: "message",
      user: owner,
      text: "one more thing from slack",
      ts: "1700020100.000100",
      thread_ts: threadTs,
      channel,
    });
    await chat.shows("Answered a Slack reply.");
    await fake.waitFor(() =>
      fake.latestThreadMessage(channel, threadTs, "From the terminal:\n\nAnswered a Slack reply."),
    );

    chat.type("/quit");
    expect(await chat.exited).toBe(0);
    await fake.waitFor(() =>
      fake.latestThreadMessage(channel, threadTs, ":leftwards_arrow_with_hook: Back in Slack"),
    );
    expect((await getSession(handle.db, session.id))?.metadata).not.toHaveProperty("terminalHold");
  });

  it("refuses a person who is not the session's owner, and an unknown session, in one line with exit code 2", {
    timeout: scaled(120_000),
  }, async () => {
    const session = await findSessionByKey(handle.db, "slack", `${fake.teamId}:${channel}:${threadTs}`);
    const stranger = startChat(`${chatProgram} --session ${session?.id} --as U0STRANGER`, chatEnvironment);
    const unknown = startChat(`${chatProgram} --session sess_nothing --as U0OWNER`, chatEnvironment);
    started.push(stranger, unknown);
    expect(await stranger.exited).toBe(2);
    expect(stranger.stderr().trim()).toBe(
      `threadwork chat: Session ${session?.id} belongs to another person: U0STRANGER is not its owner.`,
    );
    expect(await unknown.exited).toBe(2);
    expect(unknown.stderr().trim()).toBe(
      'threadwork chat: No session sess_nothing: copy the id from "Open locally".',
    );
    expect(`${stranger.stdout()}${unknown.stdout()}`).not.toContain("Type a message");
  });
});
