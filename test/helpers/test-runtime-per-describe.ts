import { afterAll, beforeAll } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import { type FakeLlmResponder, type FakeLlmServer, startFakeLlmServer } from "../fakes/fake-llm-server.ts";
import { type Backend, createTestDatabase } from "./database.ts";
import { type StartRuntimeOptions, startTestRuntime } from "./runtime-harness.ts";

export interface TestRuntimeWorld {
  handle: DatabaseHandle;
  server: FakeLlmServer;
  /** The running runtime; a test that restarts it assigns the new one here, and that one is stopped. */
  runtime: Runtime;
}

/**
 * For the tests of the enclosing `describe`: a fresh database on `backend`, the fake LLM server
 * answering with `respond`, and a started test runtime. All are closed after the tests.
 */
export function useTestRuntime(
  backend: Backend,
  options: Omit<StartRuntimeOptions, "handle" | "anthropicBaseUrl"> & { respond: FakeLlmResponder },
): TestRuntimeWorld {
  const { respond, ...runtimeOptions } = options;
  // Filled in by `beforeAll`, before any test reads it.
  const world = {} as TestRuntimeWorld;
  beforeAll(async () => {
    world.handle = await createTestDatabase(backend);
    world.server = await startFakeLlmServer({ responder: respond });
    world.runtime = await startTestRuntime({
      handle: world.handle,
      anthropicBaseUrl: world.server.anthropicBaseUrl,
      ...runtimeOptions,
    });
  });
  afterAll(async () => {
    await world.runtime?.stop();
    await world.handle?.close();
    await world.server?.close();
  });
  return world;
}
