import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type FakeLlmServer, startFakeLlmServer, textResponse } from "./fakes/fake-llm-server.ts";
import { FakeSlackServer, sendSignedEvent } from "./fakes/fake-slack-server.ts";
import { seedEmbeddedDataDirectory } from "./helpers/database-templates.ts";
import { eventually } from "./helpers/eventually.ts";
import { freePort } from "./helpers/free-port.ts";
import { scaled } from "./helpers/time-scale.ts";

const root = path.resolve(import.meta.dirname, "..");
const temporaryDirectories: string[] = [];
const budgetSeconds = 10;
const signingSecret = "npm-start-signing-secret";

afterAll(async () => {
  await Promise.all(temporaryDirectories.map((directory) => rm(directory, { recursive: true, force: true })));
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pids of `pid`'s descendants, read from /proc (Linux, where CI runs). */
async function descendants(pid: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const status = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    const parent = Number(status.slice(status.lastIndexOf(")") + 2).split(" ")[1]);
    if (!Number.isFinite(parent)) continue;
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const walk = (current: number) => {
    for (const child of children.get(current) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

interface NpmStart {
  npm: ChildProcess;
  dataDirectory: string;
  slack: FakeSlackServer;
  llm: FakeLlmServer;
  eventsUrl: string;
  /** npm's descendants once the app is ready: the app itself, whatever npm runs it through. */
  app: number[];
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  close(): Promise<void>;
}

/**
 * `npm start` as a supervisor or a terminal runs it: embedded database, fake Slack and model.
 * `ownGroup` puts npm at the head of its own process group, as a terminal's foreground job is.
 */
async function npmStart(options: { ownGroup: boolean; holdModelCalls?: Promise<void> }): Promise<NpmStart> {
  const dataDirectory = await mkdtemp(path.join(tmpdir(), "threadwork-npm-start-"));
  temporaryDirectories.push(dataDirectory);
  await seedEmbeddedDataDirectory(dataDirectory);
  const slack = await FakeSlackServer.start("xoxb-test");
  const llm = await startFakeLlmServer();
  const held = options.holdModelCalls;
  if (held) llm.respondWith(() => held.then(() => textResponse("Done.")));
  const port = await freePort();
  const npm = spawn("npm", ["start", "--silent"], {
    cwd: root,
    detached: options.ownGroup,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? tmpdir(),
      NODE_ENV: "production",
      NODE_NO_WARNINGS: "1",
      ANTHROPIC_API_KEY: "sk-ant-test",
      ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: slack.apiUrl,
      PORT: String(port),
      THREADWORK_DATA_DIR: dataDirectory,
      THREADWORK_SHUTDOWN_SECONDS: String(budgetSeconds),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const ready = Promise.withResolvers<void>();
  npm.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes("threadwork is ready")) ready.resolve();
  });
  npm.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    npm.once("exit", (code, signal) => resolve({ code, signal })),
  );
  void exited.then(() => ready.reject(new Error(`npm start exited before it was ready:\n${output}`)));
  const started: NpmStart = {
    npm,
    dataDirectory,
    slack,
    llm,
    eventsUrl: `http://127.0.0.1:${port}/slack/events`,
    app: [],
    output: () => output,
    exited,
    async close() {
      if (npm.exitCode === null && npm.signalCode === null) npm.kill("SIGKILL");
      for (const pid of started.app) if (isRunning(pid)) process.kill(pid, "SIGKILL");
      await slack.close();
      await llm.close();
    },
  };
  try {
    await ready.promise;
    started.app = await descendants(npm.pid ?? 0);
  } catch (error) {
    await started.close();
    throw error;
  }
  return started;
}

function lines(output: string, message: string): string[] {
  return output.split("\n").filter((line) => line.includes(`"msg":"${message}"`));
}

async function lockIsFree(dataDirectory: string): Promise<boolean> {
  return stat(path.join(dataDirectory, "pgdata.lock")).then(
    () => false,
    () => true,
  );
}

// Each start boots PGlite (seconds of CPU): the three overlap.
describe.concurrent("npm start under a supervisor or a terminal", () => {
  // A supervisor (systemd, supervisord, pm2, a pid file) signals the pid it started: npm's.
  it("stops on a SIGTERM to npm's pid as on one to node's: one graceful stop within the budget, the database released", {
    timeout: scaled(240_000),
  }, async () => {
    const started = await npmStart({ ownGroup: false });
    try {
      expect(started.app.length).toBeGreaterThan(0);
      const signalledAt = Date.now();
      started.npm.kill("SIGTERM");
      const outcome = await started.exited;
      // npm answers for the app: the app's own exit code, reached only after the app has stopped.
      expect(outcome).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalledAt).toBeLessThan(scaled(budgetSeconds * 1000));
      for (const pid of started.app) expect(isRunning(pid)).toBe(false);
      const stopping = lines(started.output(), "shutting down");
      expect(stopping).toHaveLength(1);
      expect(stopping[0]).toContain('"signal":"SIGTERM"');
      expect(lines(started.output(), "shutdown: complete")).toHaveLength(1);
      // Free the moment npm has exited, so the supervisor's restart opens the database.
      expect(await lockIsFree(started.dataDirectory)).toBe(true);
    } finally {
      await started.close();
    }
  });

  // A terminal signals its whole foreground group and npm forwards the same signal: the app gets it twice.
  it("takes one Ctrl-C, delivered twice through npm, as one: a graceful stop that says a second Ctrl-C stops at once", {
    timeout: scaled(240_000),
  }, async () => {
    const started = await npmStart({ ownGroup: true });
    try {
      process.kill(-(started.npm.pid ?? 0), "SIGINT");
      const outcome = await started.exited;
      expect(outcome).toEqual({ code: 0, signal: null });
      expect(lines(started.output(), "shutting down; press Ctrl-C again to stop at once")).toHaveLength(1);
      expect(lines(started.output(), "shutdown: complete")).toHaveLength(1);
      expect(started.output()).not.toContain("stopping at once");
      expect(await lockIsFree(started.dataDirectory)).toBe(true);
    } finally {
      await started.close();
    }
  });

  it("stops at once, with code 130, on a second Ctrl-C while the graceful stop waits on a model call", {
    timeout: scaled(240_000),
  }, async () => {
    const never = Promise.withResolvers<void>();
    const started = await npmStart({ ownGroup: true, holdModelCalls: never.promise });
    try {
      const { slack, llm } = started;
      const answer = await sendSignedEvent(
        started.eventsUrl,
        {
          event_id: "EvSecondCtrlC",
          team_id: slack.teamId,
          event: {
            type: "app_mention",
            user: "U0OWNER",
            text: `<@${slack.botUserId}> think for long`,
            ts: "1700070000.000100",
            channel: "C0GENERAL",
          },
        },
        { signingSecret },
      );
      expect(answer.status).toBe(200);
      await eventually(() => llm.requests.length > 0, { timeoutMs: 60_000 });
      process.kill(-(started.npm.pid ?? 0), "SIGINT");
      await eventually(() => started.output().includes("press Ctrl-C again to stop at once"));
      // A person's second press, well after the first one's echo through npm; the stop still waits
      // on the model call (it may until the budget's drain deadline).
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(started.output()).not.toContain("shutdown: complete");
      const pressedAt = Date.now();
      process.kill(-(started.npm.pid ?? 0), "SIGINT");
      const outcome = await started.exited;
      expect(Date.now() - pressedAt).toBeLessThan(scaled(2000));
      expect(outcome.code).toBe(130);
      expect(started.output()).toContain("second Ctrl-C: stopping at once");
      expect(started.output()).not.toContain("shutdown: complete");
      for (const pid of started.app) expect(isRunning(pid)).toBe(false);
    } finally {
      never.resolve();
      await started.close();
    }
  });
});

describe("npm run chat off a terminal", () => {
  it("takes one Ctrl-C, delivered twice through npm, as one: it stops cleanly and exits 130", {
    timeout: scaled(240_000),
  }, async () => {
    const dataDirectory = await mkdtemp(path.join(tmpdir(), "threadwork-npm-chat-"));
    temporaryDirectories.push(dataDirectory);
    await seedEmbeddedDataDirectory(dataDirectory);
    const llm = await startFakeLlmServer();
    const npm = spawn("npm", ["run", "chat", "--silent"], {
      cwd: root,
      detached: true,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? tmpdir(),
        NODE_ENV: "production",
        NODE_NO_WARNINGS: "1",
        ANTHROPIC_API_KEY: "sk-ant-test",
        ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
        THREADWORK_DATA_DIR: dataDirectory,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    npm.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    npm.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => npm.once("exit", (code) => resolve(code)));
    try {
      await eventually(() => output.includes("Type a message"), { timeoutMs: 120_000 });
      process.kill(-(npm.pid ?? 0), "SIGINT");
      expect(await exited).toBe(130);
      // The stop ran to its end: the second delivery of the same Ctrl-C did not cut it short.
      const log = await readFile(path.join(dataDirectory, "chat.log"), "utf8");
      expect(log).toContain("chat database closed");
      expect(await lockIsFree(dataDirectory)).toBe(true);
    } finally {
      if (npm.exitCode === null && npm.signalCode === null) process.kill(-(npm.pid ?? 0), "SIGKILL");
      await llm.close();
    }
  });
});
