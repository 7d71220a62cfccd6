import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startFakeLlmServer } from "./fakes/fake-llm-server.ts";
import { FakeSlackServer } from "./fakes/fake-slack-server.ts";
import { freePort } from "./helpers/free-port.ts";
import { scaled } from "./helpers/time-scale.ts";

const root = path.resolve(import.meta.dirname, "..");
const temporaryDirectories: string[] = [];
const budgetSeconds = 10;

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
async function npmStart(options: { ownGroup: boolean }): Promise<NpmStart> {
  const dataDirectory = await mkdtemp(path.join(tmpdir(), "threadwork-npm-start-"));
  temporaryDirectories.push(dataDirectory);
  const slack = await FakeSlackServer.start("xoxb-test");
  const llm = await startFakeLlmServer();
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
      SLACK_SIGNING_SECRET: "secret",
      SLACK_API_URL: slack.apiUrl,
      PORT: String(await freePort()),
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

// Each start boots PGlite (seconds of CPU): the two overlap. What a second Ctrl-C does is
// test/domain/stop-signals.test.ts: a stop without work ends before a second press could land.
describe.concurrent("npm start under a supervisor or a terminal", () => {
  // A supervisor (systemd, supervisord, pm2, a pid file) signals the pid it started: npm's.
  it("stops on a SIGTERM to npm's pid as on one to node's: one graceful stop within the budget, the database released", {
    timeout: 240_000,
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
    timeout: 240_000,
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
});
