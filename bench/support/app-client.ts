import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import {
  type AppProcessConfig,
  type AppStats,
  createBenchApp,
  type IdleReport,
  type StopReport,
} from "./app.ts";
import type { BenchContext } from "./types.ts";

export interface AppClient {
  pid: number;
  /** True when the app shares the bench process (quick runs on PGlite). */
  inProcess: boolean;
  slackPort: number | undefined;
  handleMessages(
    messages: { conversationKey: string; text: string; userId: string }[],
  ): Promise<{ accepted: number }>;
  waitIdle(workers: number, timeoutMs: number): Promise<IdleReport>;
  report(): Promise<IdleReport & { busy: number; pendingEvents: number }>;
  stats(): Promise<AppStats>;
  resetStats(): Promise<void>;
  stop(): Promise<StopReport>;
  /** Ends the app without waiting for its work, for a row the watchdog aborted. */
  kill(): Promise<void>;
}

const entry = fileURLToPath(new URL("./app-process.ts", import.meta.url));

/**
 * Starts the app for a row: in its own process, except in quick runs on PGlite, where it
 * runs in the bench process on one shared database so PGlite starts only once (unless
 * `--app-process` asks for the app's own process, to measure its memory apart, or the row
 * does with `ownProcess`).
 */
export async function startApp(
  context: BenchContext,
  config: AppProcessConfig,
  placement: { ownProcess?: boolean } = {},
): Promise<AppClient> {
  const app =
    context.quick &&
    !context.appProcess &&
    !placement.ownProcess &&
    context.databases.kind === "pglite" &&
    config.databaseUrl === undefined
      ? await startAppInProcess(config, await context.databases.shared())
      : await startAppProcess(config);
  // The app's own progress is what the row's watchdog looks at.
  const unwatch = context.watch(async () => {
    const report = await app.report();
    return `app ${config.instanceId}: ${report.steps} steps, ${report.agents} agents, ${report.workersDone} sub-agents done, ${report.busy} busy, ${report.pendingEvents} events pending${report.otherWorkers ? `; sub-agents not done: ${report.otherWorkers}` : ""}`;
  });
  context.onAbort(() => app.kill());
  let stopping: Promise<StopReport> | undefined;
  return {
    ...app,
    // Rows stop the app to time it, and again in `finally`: the second call waits for the first.
    stop() {
      unwatch();
      stopping ??= app.stop();
      return stopping;
    },
  };
}

/** The app in this process, on an open database it empties when it stops. */
export async function startAppInProcess(
  config: AppProcessConfig,
  shared: DatabaseHandle,
): Promise<AppClient> {
  const app = createBenchApp(shared);
  const started = await app.start(config);
  return {
    pid: process.pid,
    inProcess: true,
    slackPort: started.slackPort,
    handleMessages: (messages) => app.handleMessages({ messages }),
    waitIdle: (workers, timeoutMs) => app.waitIdle({ workers, timeoutMs }),
    report: () => app.report(),
    stats: () => app.stats(),
    resetStats: () => app.resetStats(),
    stop: () => app.stop(),
    async kill() {
      await app.stop({ drainMs: 0 });
    },
  };
}

/** Forks `app-process.ts`, starts the runtime (and the Slack surface) in it, and returns a handle. */
export async function startAppProcess(config: AppProcessConfig): Promise<AppClient> {
  // BENCH_CPU_PROFILE=<dir> writes a V8 CPU profile of every app process there.
  const profileDirectory = process.env.BENCH_CPU_PROFILE;
  const child: ChildProcess = fork(entry, [], {
    execPath: process.execPath,
    execArgv: [
      ...(profileDirectory ? ["--cpu-prof", `--cpu-prof-dir=${profileDirectory}`] : []),
      // As `npm start` runs the app; BENCH_APP_NODE_FLAGS replaces these flags to compare.
      ...(process.env.BENCH_APP_NODE_FLAGS ?? "--liftoff-only").split(" ").filter(Boolean),
    ],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let counter = 0;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  child.on("message", (message: { id: number; result?: unknown; error?: string }) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error !== undefined) waiter.reject(new Error(`app process: ${message.error}`));
    else waiter.resolve(message.result);
  });
  child.on("exit", (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`app process exited with ${code}`));
    pending.clear();
  });
  // A killed child (an aborted row) must fail the calls still to come, not crash the bench.
  child.on("error", (error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  const call = <T>(method: string, params?: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (!running() || !child.connected) {
        reject(new Error(`app process has ended (${method})`));
        return;
      }
      counter += 1;
      const id = counter;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, method, params }, (error) => {
        if (!error) return;
        pending.delete(id);
        reject(error);
      });
    });

  const started = await call<{ slackPort?: number }>("start", config).catch(async (error: unknown) => {
    child.kill();
    throw error;
  });
  return {
    pid: child.pid ?? 0,
    inProcess: false,
    slackPort: started.slackPort,
    handleMessages: (messages) => call("handleMessages", { messages }),
    waitIdle: (workers, timeoutMs) => call("waitIdle", { workers, timeoutMs }),
    report: () => call("report"),
    stats: () => call("stats"),
    resetStats: () => call("resetStats"),
    async kill() {
      if (running()) child.kill("SIGKILL");
    },
    async stop() {
      const stopped = await call<StopReport>("stop").catch(() => ({ slackDrained: false }));
      if (running()) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.disconnect();
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
        if (running()) child.kill("SIGKILL");
      }
      return stopped;
    },
  };
}
