import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { createWorkspaces } from "../../src/adapters/workspace/create-workspaces.ts";
import { createWorkspacesPort } from "../../src/adapters/workspace/workspaces-port.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import { createWorkspaceTools } from "../../src/tools/workspace/create-workspace-tools.ts";
import {
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { isSupervisorRequest, startTestRuntime } from "../helpers/runtime-harness.ts";
import { temporaryDirectory } from "../workspace/repository-fixtures.ts";
import { createTreeBomb } from "./support/tree-bomb.ts";

// A worker spawned on a repository whose checkout cannot fit the workspace quota: no files are
// written, the worker fails with a reason that names the quota, and the supervisor reads that
// reason and can tell the thread.
const quotaMb = 8;

describe.each(backends)("a checkout over the quota on %s", (backend) => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let handle: DatabaseHandle;
  let server: FakeLlmServer;
  let runtime: Runtime;

  beforeAll(async () => {
    directory = await temporaryDirectory("checkout-quota");
    const source = join(directory.path, "source");
    await createTreeBomb(source, 1_000, 20);
    const workspaces = createWorkspaces({
      repositories: [{ name: "bomb", url: source }],
      token: undefined,
      githubToken: undefined,
      dataDir: join(directory.path, "data"),
      push: false,
      logger: pino({ level: "silent" }),
      workspaceQuotaMb: quotaMb,
    });
    const manager = workspaces.manager;
    handle = await createTestDatabase(backend);
    server = await startFakeLlmServer();
    runtime = await startTestRuntime({
      handle,
      anthropicBaseUrl: server.anthropicBaseUrl,
      workerTools: createWorkspaceTools(workspaces.toolOptions),
      workspaces: createWorkspacesPort(manager),
      repositories: { names: ["bomb"], defaultRepository: "bomb" },
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    await handle?.close();
    await server?.close();
    await directory?.remove();
  });

  it("fails the worker with the quota named, and the supervisor hears why", async () => {
    server.respondWith((request) => {
      if (!isSupervisorRequest(request)) return textResponse("A worker without a workspace never runs.");
      if (request.turnIndex === 0) {
        return toolCallResponse([
          { name: "spawn_agent", input: { title: "Unpacker", brief: "Look around.", repo: "bomb" } },
        ]);
      }
      const heard = request.lastUserText.match(/over the workspace's \d+ MiB disk quota/)?.[0];
      return textResponse(heard ? `The worker could not start: ${heard}.` : "Started.");
    });
    const surface = createMemorySurface(runtime, { userId: "owner" });
    await surface.send("unpack the repository");
    const failed = await surface.waitFor((event) => event.type === "agent-failed", { timeoutMs: 60_000 });
    expect(failed.type === "agent-failed" && failed.reason).toMatch(
      new RegExp(
        `could not prepare the workspace for bomb: .*over the workspace's ${quotaMb} MiB disk quota`,
      ),
    );
    await surface.waitFor(
      (event) => event.type === "reply-completed" && event.text.startsWith("The worker could not start"),
      { timeoutMs: 60_000 },
    );
    expect(surface.replies()).toContain(
      `The worker could not start: over the workspace's ${quotaMb} MiB disk quota.`,
    );
    expect(server.requests.filter((request) => !isSupervisorRequest(request))).toEqual([]);
    surface.close();
  });
});
