import { mkdtemp, rm } from "node:fs/promises";
import { hostname, tmpdir, userInfo } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findSupervisor, getAgent } from "../../src/adapters/database/agents.ts";
import { migrateDatabase } from "../../src/adapters/database/migrate.ts";
import { type DatabaseHandle, openDatabase } from "../../src/adapters/database/open-database.ts";
import { listPendingRequests } from "../../src/adapters/database/requests.ts";
import { findSessionByKey } from "../../src/adapters/database/sessions.ts";
import { type FakeLlmServer, startFakeLlmServer, textResponse } from "../fakes/fake-llm-server.ts";
import { seedEmbeddedDataDirectory } from "../helpers/database-templates.ts";
import { scaled } from "../helpers/time-scale.ts";
import { TmuxTerminal } from "../helpers/tmux-terminal.ts";
import { seedWaitingSession, type WaitingSession } from "../helpers/waiting-sessions.ts";

const root = path.resolve(import.meta.dirname, "../..");
const node = path.join(root, "node_modules/.bin/node");
const chatName = "pty-test";
const conversationKey = `${hostname()}:${userInfo().username}:${chatName}`;
const reply =
  "Here is what I found. The first paragraph is long enough to wrap across the width of the terminal, " +
  "and it streams a few characters at a time while you type.\nThe second paragraph ends the reply. END OF REPLY.";
const spinnerFrames = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] (thinking|writing)/;

async function openDataDirectory(dataDir: string): Promise<DatabaseHandle> {
  return openDatabase({ url: undefined, dataDir, logger: pino({ level: "silent" }) });
}

describe("npm run chat in a terminal, on the Slack app's data directory", () => {
  let dataDir: string;
  let llm: FakeLlmServer;
  let slack: WaitingSession;
  let otherChat: WaitingSession;
  let holdMs = 120_000;
  const terminals: TmuxTerminal[] = [];

  async function startChat(): Promise<TmuxTerminal> {
    // One process owns the data directory: whatever an earlier (failed) step left running goes first.
    for (const earlier of terminals.splice(0)) await earlier.close();
    const terminal = await TmuxTerminal.start({
      command: [node, "src/chat.ts"],
      cwd: root,
      environment: {
        NODE_ENV: "production",
        ANTHROPIC_API_KEY: "sk-ant-test",
        ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
        THREADWORK_DATA_DIR: dataDir,
        THREADWORK_CHAT: chatName,
      },
    });
    terminals.push(terminal);
    // The embedded database boots first: slow on a busy machine.
    await terminal.waitForScreen((screen) => /^you ›$/m.test(screen), {
      timeoutMs: 90_000,
      what: "the prompt",
    });
    return terminal;
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "threadwork-chat-"));
    await seedEmbeddedDataDirectory(dataDir);
    // The Slack app's data: a session whose supervisor would run on any sweep, and whose worker
    // waits on a question; and another person's chat, just as ready to run.
    const handle = await openDataDirectory(dataDir);
    await migrateDatabase(handle);
    slack = await seedWaitingSession(
      handle.db,
      { surface: "slack", conversationKey: "T1:C1:1700.1" },
      "SLACK",
    );
    otherChat = await seedWaitingSession(
      handle.db,
      { surface: "terminal", conversationKey: `${hostname()}:someone-else:default` },
      "OTHERCHAT",
    );
    await handle.close();
    llm = await startFakeLlmServer({
      responder: (request) =>
        request.lastUserText.includes("please hold")
          ? textResponse("The held turn is done.", { delayMs: holdMs })
          : textResponse(reply, { delayMs: 800, chunkSize: 4, chunkDelayMs: 30 }),
    });
  });

  afterAll(async () => {
    for (const terminal of terminals) await terminal.close();
    await llm?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("shows a prompt, a spinner and labelled replies, keeps typed input off the streaming reply, and shows nothing of Slack", {
    timeout: scaled(180_000),
  }, async () => {
    const terminal = await startChat();
    expect(await terminal.screen()).toContain("Logs: ");
    await terminal.type("what did you find?");
    await terminal.press("Enter");
    const waiting = await terminal.waitForScreen((screen) => spinnerFrames.test(screen), {
      what: "the spinner",
    });
    expect(waiting.split("\n").at(-1)).toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] thinking {2}you ›$/);
    // Typed while the reply streams in above.
    await terminal.waitForScreen((screen) => screen.includes("threadwork › Here is"), { what: "the reply" });
    await terminal.type("a draft I am still typing");
    const done = await terminal.waitForScreen(
      (screen) => screen.includes("END OF REPLY.") && !spinnerFrames.test(screen),
      {
        what: "the end of the reply",
      },
    );
    const lines = done.split("\n");
    expect(lines.at(-1)).toBe("you › a draft I am still typing");
    expect(lines.filter((line) => line.includes("draft"))).toHaveLength(1);
    expect(lines).toContain("you › what did you find?");
    // The reply's lines, label and indent removed, are the reply word for word.
    const first = lines.findIndex((line) => line.startsWith("threadwork › "));
    const replyLines = lines
      .slice(first, lines.length - 1)
      .map((line) => line.replace(/^(threadwork › | {13})/, ""));
    expect(replyLines.join(" ").replace(/\s+/g, " ")).toBe(reply.replace(/\s+/g, " "));
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);

    // Nothing of the Slack session or the other chat was shown or run.
    expect(done).not.toMatch(/SLACK|OTHERCHAT/);
    expect(llm.requests.map((request) => request.lastUserText)).toEqual([
      expect.stringContaining("what did you find?"),
    ]);

    // A line sent while the spinner turns stays on screen as typed, without the spinner.
    await terminal.press("Enter");
    await terminal.waitForScreen((screen) => spinnerFrames.test(screen), { what: "the spinner again" });
    await terminal.type("and one more");
    await terminal.press("Enter");
    const sent = await terminal.waitForScreen(
      (screen) => screen.split("\n").includes("you › and one more") && spinnerFrames.test(screen),
      { what: "the line sent under the spinner" },
    );
    const above = sent.split("\n").slice(0, -1);
    expect(above.filter((line) => spinnerFrames.test(line))).toEqual([]);
    expect(above).toContain("you › a draft I am still typing");

    // As shells expect of a program Ctrl-C ended: 128 + SIGINT.
    await terminal.press("C-c");
    expect(await terminal.waitForExit(10_000)).toBe(130);
  });

  it("stops at once on Ctrl-C during a model call and lets go of the agent, so the next chat resumes the turn in seconds", {
    timeout: scaled(240_000),
  }, async () => {
    const terminal = await startChat();
    await terminal.type("please hold");
    await terminal.press("Enter");
    const asked = () => llm.requests.some((request) => request.lastUserText.includes("please hold"));
    await terminal.waitForScreen(() => asked(), { what: "the held model call" });
    await terminal.press("C-c");
    const pressed = Date.now();
    expect(await terminal.waitForExit(10_000)).toBe(130);
    expect(Date.now() - pressed).toBeLessThan(5_000);
    expect(await terminal.screen()).toContain("Stopping…");

    const handle = await openDataDirectory(dataDir);
    try {
      const session = await findSessionByKey(handle.db, "terminal", conversationKey);
      const supervisor = session ? await findSupervisor(handle.db, session.id) : undefined;
      expect(supervisor).toMatchObject({ leaseOwner: null, leaseExpiresAt: null });
      expect(supervisor?.status).not.toBe("idle");
      // The Slack session and the other chat are as they were: never run, still waiting.
      for (const untouched of [slack, otherChat]) {
        expect(await getAgent(handle.db, untouched.supervisorId)).toMatchObject({
          status: "queued",
          step: 0,
          leaseOwner: null,
        });
        expect((await listPendingRequests(handle.db, untouched.sessionId)).map((row) => row.id)).toEqual([
          untouched.requestId,
        ]);
      }
    } finally {
      await handle.close();
    }

    holdMs = 0;
    const resumed = await startChat();
    const prompted = Date.now();
    await resumed.waitForScreen((screen) => screen.includes("threadwork › The held turn is done."), {
      what: "the resumed turn",
    });
    // Well inside the 30 s a lease left behind would hold it.
    expect(Date.now() - prompted).toBeLessThan(10_000);
    await resumed.type("/quit");
    await resumed.press("Enter");
    expect(await resumed.waitForExit()).toBe(0);
    expect(llm.requests.filter((request) => /SLACK|OTHERCHAT/.test(request.lastUserText))).toEqual([]);
  });
});
