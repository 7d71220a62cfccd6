import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { AppProcessConfig, AppStats, IdleReport } from "./app-process.ts";

export interface AppClient {
  pid: number;
  slackPort: number | undefined;
  handleMessages(
    messages: { conversationKey: string; text: string; userId: string }[],
  ): Promise<{ accepted: number }>;
  waitIdle(workers: number, timeoutMs: number): Promise<IdleReport>;
  stats(): Promise<AppStats>;
  stop(): Promise<void>;
}

const entry = fileURLToPath(new URL("./app-process.ts", import.meta.url));

/** Forks `app-process.ts`, starts the runtime (and the Slack surface) in it, and returns a handle. */
export async function startAppProcess(config: AppProcessConfig): Promise<AppClient> {
  const child: ChildProcess = fork(entry, [], {
    execPath: process.execPath,
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
  const call = <T>(method: string, params?: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      counter += 1;
      pending.set(counter, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id: counter, method, params });
    });

  const started = await call<{ slackPort?: number }>("start", config).catch(async (error: unknown) => {
    child.kill();
    throw error;
  });
  return {
    pid: child.pid ?? 0,
    slackPort: started.slackPort,
    handleMessages: (messages) => call("handleMessages", { messages }),
    waitIdle: (workers, timeoutMs) => call("waitIdle", { workers, timeoutMs }),
    stats: () => call("stats"),
    async stop() {
      await call("stop").catch(() => undefined);
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.disconnect();
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
    },
  };
}
