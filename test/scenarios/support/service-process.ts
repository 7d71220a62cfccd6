import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { freePort } from "../../helpers/free-port.ts";

const root = path.resolve(import.meta.dirname, "../../..");

export interface LogLine {
  level: number;
  msg: string;
  time: number;
  [field: string]: unknown;
}

/** `npm start` (src/main.ts) in its own process, HTTP mode, on the test's database, fake Slack and fake LLM. */
export interface Service {
  child: ChildProcess;
  eventsUrl: string;
  lines(): LogLine[];
  output(): string;
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** Starts src/main.ts under Node 24 with only PATH and `environment`; it listens on a free port. */
export async function startService(environment: Record<string, string>): Promise<Service> {
  const port = await freePort();
  const child = spawn(path.join(root, "node_modules/.bin/node"), ["src/main.ts"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", NODE_NO_WARNINGS: "1", PORT: String(port), ...environment },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const ready = Promise.withResolvers<void>();
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes("threadwork is ready")) ready.resolve();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  void exited.then(() => ready.reject(new Error(`the service exited before it was ready:\n${output}`)));
  ready.promise.catch(() => undefined);
  return {
    child,
    eventsUrl: `http://127.0.0.1:${port}/slack/events`,
    lines: () =>
      output
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as LogLine),
    output: () => output,
    ready: ready.promise,
    exited,
  };
}

/** Kills a service still running (SIGKILL), for clean-up after a failed test. */
export async function killService(service: Service): Promise<void> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  service.child.kill("SIGKILL");
  await service.exited;
}

/** A response the test lets go of; until then the fake LLM holds the request open. */
export function hold() {
  const gate = Promise.withResolvers<void>();
  return { release: () => gate.resolve(), until: <T>(value: T) => gate.promise.then(() => value) };
}
