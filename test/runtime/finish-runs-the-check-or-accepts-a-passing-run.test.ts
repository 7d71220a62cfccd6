import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import type { CheckOutcome } from "../../src/domain/environment.ts";
import { defineTool, type Workspace } from "../../src/domain/tool.ts";
import type { WorkspacesPort } from "../../src/domain/workspaces-port.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import {
  type FakeLlmRequest,
  type FakeLlmServer,
  type FakeToolCall,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { briefOf, isSupervisorRequest, startTestRuntime } from "../helpers/runtime-harness.ts";

/**
 * `finish` against a workspaces port whose check the test controls, and stand-ins for the
 * coding tools: `finish` always has the port commit and check (a passing run of the worker's
 * own is feedback, never the verdict), a failure goes back `retries` times, a verdict on
 * another commit than the finished one is recorded as not run, and a worker that ends
 * without `finish` records the check as not run.
 */
describe("finish and the repository's check", () => {
  let handle: DatabaseHandle;
  let server: FakeLlmServer;
  let runtime: Runtime;
  const checkRuns: Array<{ branch: string; summary: string }> = [];
  let nextCheck: CheckOutcome["status"] = "passed";
  const finishedCommit = "1".repeat(40);
  /** The commit the port says it checked: the one finalizing then reports, unless a test moves it. */
  let checkedCommit = finishedCommit;
  const finalized: Array<CheckOutcome | undefined> = [];
  /** Each worker's scripted turns, by the first word of its brief. */
  const plays = new Map<string, FakeToolCall[][]>();
  const seen = new Map<string, FakeLlmRequest[]>();

  const workspace = (agentId: string): Workspace => ({
    repoName: "demo",
    root: `/nonexistent/${agentId}`,
    branch: `threadwork/s/${agentId}`,
    baseCommit: "0".repeat(40),
    check: { command: "npm test", retries: 2, timeoutSeconds: 600 },
  });
  const workspaces: WorkspacesPort = {
    createWorkspace: async (request) => workspace(request.agentId),
    async runCheck({ workspace: checked, summary }) {
      checkRuns.push({ branch: checked.branch, summary });
      return {
        status: nextCheck,
        commit: checkedCommit,
        command: "npm test",
        exitCode: nextCheck === "passed" ? 0 : 1,
        durationMs: 1200,
        summary: nextCheck === "passed" ? "# pass 1" : "not ok 1 - total adds the items",
      };
    },
    async finalizeWorkspace(request) {
      finalized.push(request.check);
      return { branch: request.workspace.branch, commit: finishedCommit };
    },
  };
  // The run_command stand-in answers as the real one does: status line first.
  const tools = [
    defineTool({
      name: "run_command",
      description: "run",
      input: z.object({ command: z.string() }),
      risk: "safe",
      execute: async (input) =>
        input.command.startsWith("npm")
          ? "[exit code 0, 0.80 s, sandboxed]\n# pass 1"
          : "[exit code 0, 0.01 s, sandboxed]\n",
    }),
    defineTool({
      name: "edit_file",
      description: "edit",
      input: z.object({ path: z.string() }),
      risk: "safe",
      execute: async () => "Edited.",
    }),
  ];

  beforeAll(async () => {
    handle = await createTestDatabase("postgres");
    server = await startFakeLlmServer();
    server.respondWith((request) => {
      if (isSupervisorRequest(request)) {
        if (request.turnIndex === 0) {
          const brief = request.lastUserText.trim().split("\n").at(-1) ?? "";
          return toolCallResponse([{ name: "spawn_agent", input: { title: brief, brief, repo: "demo" } }]);
        }
        return textResponse("OK.");
      }
      const kind = briefOf(request).split(" ")[0] ?? "";
      seen.set(kind, [...(seen.get(kind) ?? []), request]);
      const calls = plays.get(kind)?.[request.turnIndex];
      return calls ? toolCallResponse(calls) : textResponse("I am done, without calling finish.");
    });
    runtime = await startTestRuntime({
      handle,
      anthropicBaseUrl: server.anthropicBaseUrl,
      workerTools: tools,
      workspaces,
      repositories: { names: ["demo"], defaultRepository: "demo" },
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    await server?.close();
    await handle?.close();
  });

  async function runWorker(kind: string, turns: FakeToolCall[][]) {
    plays.set(kind, turns);
    const surface = createMemorySurface(runtime);
    await surface.send(kind);
    const finished = await surface.waitFor((event) => event.type === "agent-finished", { timeoutMs: 30_000 });
    surface.close();
    if (finished.type !== "agent-finished") throw new Error("unreachable");
    return finished.agent;
  }
  const finish = { name: "finish", input: { summary: "Done." } };

  it("runs the check at finish though the worker's own run of it passed: that run is feedback, not the verdict", async () => {
    const before = checkRuns.length;
    const agent = await runWorker("reuse", [
      [{ name: "edit_file", input: { path: "a" } }],
      [{ name: "run_command", input: { command: "npm  test" } }],
      [finish],
    ]);
    expect(checkRuns.slice(before)).toEqual([
      { branch: expect.stringContaining("threadwork/s/"), summary: "Done." },
    ]);
    expect(agent.result?.check).toMatchObject({
      status: "passed",
      command: "npm test",
      durationMs: 1200,
      commit: finishedCommit,
    });
    expect(finalized.at(-1)).toMatchObject({ status: "passed", commit: finishedCommit });
  });

  it("records a verdict on another commit than the finished one as not run", async () => {
    checkedCommit = "2".repeat(40);
    const agent = await runWorker("moved", [[finish]]);
    checkedCommit = finishedCommit;
    expect(agent.result?.commit).toBe(finishedCommit);
    expect(agent.result?.check).toMatchObject({ status: "not-run", command: "npm test" });
    expect(JSON.stringify(agent.result?.check)).toContain("it passed on 222222222222, not on 111111111111");
  });

  it("hands a failing check back `retries` times, then finishes with the failure recorded", async () => {
    nextCheck = "failed";
    const agent = await runWorker("failing", [[finish], [finish], [finish]]);
    nextCheck = "passed";
    const told = (seen.get("failing") ?? []).slice(1).map((request) => request.lastToolResults[0]);
    expect(told).toHaveLength(2);
    for (const result of told) {
      expect(result?.isError).toBe(true);
      expect(result?.content).toContain("The check failed: `npm test` failed (exit code 1, 1.2 s)");
      expect(result?.content).toContain("not ok 1 - total adds the items");
    }
    expect(told[0]?.content).toContain("1 more failure will come back to you");
    expect(told[1]?.content).toContain("the next failure finishes your work with the failed check recorded");
    expect(agent.status).toBe("done");
    expect(agent.result?.check).toMatchObject({ status: "failed", failedBefore: 2 });
  });

  it("records the check as not run when the worker ends without finish", async () => {
    const agent = await runWorker("silent", []);
    expect(agent.result?.check).toMatchObject({ status: "not-run", command: "npm test" });
  });
});
