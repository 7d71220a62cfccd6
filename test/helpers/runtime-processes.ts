import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { type FakeLlmServer, startFakeLlmServer } from "../fakes/fake-llm-server.ts";
import { createTestDatabase } from "./database.ts";
import { eventually } from "./eventually.ts";
import { scaled } from "./time-scale.ts";

const root = path.resolve(import.meta.dirname, "../..");

export interface RuntimeProcess {
  child: ChildProcess;
  /** Resolves once the child started its runtime and seeded its sessions. */
  ready: Promise<void>;
  /** With WAIT_FOR_GO: resolves once the child is loaded; `go()` starts its runtime. */
  loaded: Promise<void>;
  go(): void;
  exited: Promise<number | null>;
  /** What the child wrote to stderr, for failure messages. */
  errors(): string;
}

/** Starts test/fixtures/runtime-child.ts under Node 24 with the given environment. */
export function startRuntimeProcess(environment: Record<string, string>): RuntimeProcess {
  const child = spawn(
    path.join(root, "node_modules/.bin/node"),
    [path.join(root, "test/fixtures/runtime-child.ts")],
    {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", NODE_NO_WARNINGS: "1", ...environment },
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let stdout = "";
  const loaded = Promise.withResolvers<void>();
  const ready = Promise.withResolvers<void>();
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.includes("loaded")) loaded.resolve();
    if (stdout.includes("ready")) ready.resolve();
  });
  void exited.then((code) => {
    const error = new Error(`runtime child exited (${code}) before it was ready: ${stderr}`);
    loaded.reject(error);
    ready.reject(error);
  });
  // Callers may not await both; an early exit must not become an unhandled rejection.
  loaded.promise.catch(() => undefined);
  ready.promise.catch(() => undefined);
  return {
    child,
    ready: ready.promise,
    loaded: loaded.promise,
    go: () => child.stdin?.write("go\n"),
    exited,
    errors: () => stderr,
  };
}

export async function stopRuntimeProcess(runtimeProcess: RuntimeProcess): Promise<void> {
  if (runtimeProcess.child.exitCode !== null || runtimeProcess.child.signalCode !== null) return;
  runtimeProcess.child.kill("SIGTERM");
  const timer = setTimeout(() => runtimeProcess.child.kill("SIGKILL"), scaled(5000));
  await runtimeProcess.exited;
  clearTimeout(timer);
}

/** The URL of a Postgres test database, for processes that open it themselves. */
export function databaseUrlOf(handle: DatabaseHandle): string {
  const options = handle.pool?.options as { connectionString?: string } | undefined;
  if (!options?.connectionString) throw new Error("a Postgres handle is needed");
  return options.connectionString;
}

/** Polls `condition` until it holds; `timeoutMs` is the wait on an idle machine, stretched by the time scale. */
export async function waitUntil(
  condition: () => Promise<boolean> | boolean,
  options: { timeoutMs?: number; intervalMs?: number; message?: () => string } = {},
): Promise<void> {
  await eventually(condition, { intervalMs: 100, ...options });
}

export interface ProcessScenario {
  handle: DatabaseHandle;
  server: FakeLlmServer;
  /** A temporary directory for the test's tool logs. */
  directory: string;
  /** Runtime processes to stop after the file's tests. */
  processes: RuntimeProcess[];
}

/**
 * Registers the shared set-up of multi-process scenarios: a fresh Postgres database (two
 * processes cannot share an in-memory PGlite), a fake LLM server and a temporary directory,
 * all torn down with every runtime process the tests started.
 */
export function useProcessScenario(options: { latencyMs: number; name: string }): ProcessScenario {
  const scenario = { processes: [] } as unknown as ProcessScenario;
  beforeAll(async () => {
    scenario.handle = await createTestDatabase("postgres");
    scenario.server = await startFakeLlmServer({ latencyMs: options.latencyMs });
    scenario.directory = await mkdtemp(path.join(tmpdir(), `threadwork-${options.name}-`));
  });
  afterAll(async () => {
    for (const runtimeProcess of scenario.processes) await stopRuntimeProcess(runtimeProcess);
    await scenario.handle?.close();
    await scenario.server?.close();
    if (scenario.directory) await rm(scenario.directory, { recursive: true, force: true });
  });
  return scenario;
}

/** The environment every runtime process of `scenario` needs: its database and its fake LLM server. */
export function scenarioEnvironment(scenario: ProcessScenario): Record<string, string> {
  return {
    DATABASE_URL: databaseUrlOf(scenario.handle),
    ANTHROPIC_BASE_URL: scenario.server.anthropicBaseUrl,
  };
}
