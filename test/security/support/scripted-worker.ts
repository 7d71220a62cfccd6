import type { DatabaseHandle } from "../../../src/adapters/database/open-database.ts";
import type { AnyTool, Workspace } from "../../../src/domain/tool.ts";
import type { WorkspacesPort } from "../../../src/domain/workspaces-port.ts";
import type { Runtime } from "../../../src/runtime/create-runtime.ts";
import {
  type FakeLlmRequest,
  type FakeLlmServer,
  type FakeToolCall,
  type FakeToolResult,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../../fakes/fake-llm-server.ts";
import { type Backend, createTestDatabase } from "../../helpers/database.ts";
import { createMemorySurface } from "../../helpers/memory-surface.ts";
import { briefOf, isSupervisorRequest, startTestRuntime, testConfig } from "../../helpers/runtime-harness.ts";
import { scaled } from "../../helpers/time-scale.ts";

export interface ScriptedWorkerOptions {
  /** The working copy every agent gets (repository `demo`). */
  root: string;
  branch: string;
  workerTools: AnyTool[];
  /** The worker's brief; it is spawned by the supervisor's first turn. */
  brief: string;
  title: string;
  /** The worker's tool calls for one turn (`request.turnIndex`), a `finish` call included. */
  play: (request: FakeLlmRequest) => FakeToolCall[] | Promise<FakeToolCall[]>;
  backend?: Backend;
  /** The worker model's context window, for scripts whose inputs are larger than a model could write. */
  workerContextWindowTokens?: number;
}

export interface ScriptedWorker {
  runtime: Runtime;
  /** Each worker turn's `lastToolResults`, from its second turn on. */
  seen: FakeToolResult[][];
  /** Sends `text` to the runtime and waits until the worker has finished. */
  run(text: string, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** A real runtime whose supervisor spawns one worker that plays scripted tool calls in `root`. */
export async function startScriptedWorker(options: ScriptedWorkerOptions): Promise<ScriptedWorker> {
  const workspace: Workspace = {
    repoName: "demo",
    root: options.root,
    branch: options.branch,
    baseCommit: "HEAD",
  };
  const workspaces: WorkspacesPort = {
    createWorkspace: async () => workspace,
    finalizeWorkspace: async () => ({}),
  };
  const seen: FakeToolResult[][] = [];
  let handle: DatabaseHandle | undefined;
  let server: FakeLlmServer | undefined;
  let runtime: Runtime | undefined;
  const close = async () => {
    await runtime?.stop();
    await server?.close();
    await handle?.close();
  };
  try {
    handle = await createTestDatabase(options.backend ?? "postgres");
    server = await startFakeLlmServer();
    server.respondWith(async (request) => {
      if (isSupervisorRequest(request)) {
        if (request.turnIndex === 0) {
          return toolCallResponse([
            { name: "spawn_agent", input: { title: options.title, brief: options.brief } },
          ]);
        }
        return textResponse("OK.");
      }
      if (briefOf(request) !== options.brief) return textResponse("?");
      if (request.turnIndex > 0) seen.push(request.lastToolResults);
      return toolCallResponse(await options.play(request));
    });
    runtime = await startTestRuntime({
      handle,
      anthropicBaseUrl: server.anthropicBaseUrl,
      workerTools: options.workerTools,
      workspaces,
      repositories: { names: ["demo"], defaultRepository: "demo" },
      ...(options.workerContextWindowTokens
        ? {
            config: {
              ...testConfig(),
              contextWindows: { "anthropic:claude-haiku-5-5": options.workerContextWindowTokens },
            },
          }
        : {}),
    });
  } catch (error) {
    await close();
    throw error;
  }
  const started = runtime;
  return {
    runtime: started,
    seen,
    async run(text, timeoutMs) {
      const surface = createMemorySurface(started);
      await surface.send(text);
      await surface.waitFor((event) => event.type === "agent-finished", { timeoutMs: scaled(timeoutMs) });
      surface.close();
    },
    close,
  };
}
