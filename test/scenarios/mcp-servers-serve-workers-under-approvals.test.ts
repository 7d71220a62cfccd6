import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import type { McpServers } from "../../src/adapters/mcp/mcp-servers-port.ts";
import type { McpServerConfig } from "../../src/config/mcp-config.ts";
import { parseApprovalAction } from "../../src/domain/approval-action.ts";
import type { RuntimeTelemetry } from "../../src/domain/telemetry-port.ts";
import { noTelemetry } from "../../src/domain/telemetry-port.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import {
  type FakeLlmRequest,
  type FakeLlmResponse,
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { collectingLogger } from "../helpers/collecting-logger.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { eventually } from "../helpers/eventually.ts";
import {
  descendantsRunning,
  everythingOverHttp,
  everythingOverStdio,
  everythingScript,
  reference,
  scratchDirectory,
  startEverythingOverHttp,
  testMcpServers,
} from "../helpers/mcp-servers.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { briefOf, isSupervisorRequest, startTestRuntime } from "../helpers/runtime-harness.ts";
import { sleep } from "../helpers/sleep.ts";
import { scaled } from "../helpers/time-scale.ts";
import { spawnWorkerForTask } from "../runtime/support/scripted-agents.ts";
import { leaksInEveryTable } from "../security/support/leaks-in-every-table.ts";

const secret = "mcp-secret-3b1f0c9e7d2a5566";
const tools: McpServerConfig["tools"] = {
  echo: { policy: "safe" },
  "get-env": { policy: "safe" },
  "trigger-long-running-operation": { policy: "safe" },
  "trigger-url-elicitation": { policy: "safe" },
};

/** What each scripted worker does, turn by turn, by the word after "task:" in its brief. */
const scripts: Record<string, { name: string; input: Record<string, unknown> }[]> = {
  approvals: [
    { name: "everything__echo", input: { message: "hi" } },
    { name: "everything__get-sum", input: { a: 1, b: 2 } },
    { name: "everything__get-sum", input: { a: 5, b: 5 } },
  ],
  killed: [
    { name: "everything__trigger-long-running-operation", input: { duration: 60, steps: 60 } },
    { name: "everything__echo", input: { message: "after the restart" } },
  ],
  big: [{ name: "everything__echo", input: { message: `start ${"y".repeat(30_000)} end` } }],
  secrets: [{ name: "everything__get-env", input: {} }],
  link: [
    {
      name: "everything__trigger-url-elicitation",
      input: { url: "https://auth.example.com/consent", elicitationId: "consent-9" },
    },
  ],
};

function taskOf(request: FakeLlmRequest): string {
  return /task: (\w+)/.exec(briefOf(request))?.[1] ?? "";
}

function respond(request: FakeLlmRequest): FakeLlmResponse {
  if (isSupervisorRequest(request)) return spawnWorkerForTask(request) ?? textResponse("OK.");
  const step = scripts[taskOf(request)]?.[request.turnIndex];
  if (step) return toolCallResponse([step]);
  return toolCallResponse([{ name: "finish", input: { summary: "done" } }]);
}

function workerRequests(llm: FakeLlmServer, task: string): FakeLlmRequest[] {
  return llm.requests.filter((request) => !isSupervisorRequest(request) && taskOf(request) === task);
}

/** Telemetry that keeps everything it is told, as a trace exporter would see it. */
function recordingTelemetry(recorded: unknown[]): RuntimeTelemetry {
  const record =
    (name: string) =>
    (...args: unknown[]) => {
      recorded.push([name, ...args]);
      return {
        end: (result: unknown) => recorded.push([`${name}.end`, result]),
        fail: (errorType: string) => recorded.push([`${name}.fail`, errorType]),
      };
    };
  return Object.fromEntries(
    Object.keys(noTelemetry).map((name) => [name, record(name)]),
  ) as unknown as RuntimeTelemetry;
}

interface World {
  handle: DatabaseHandle;
  llm: FakeLlmServer;
  mcp: McpServers;
  runtime: Runtime;
  lines: string[];
  recorded: unknown[];
  close(): Promise<void>;
}

async function startWorld(transport: "stdio" | "http"): Promise<World> {
  const data = await scratchDirectory("mcp-runtime-data");
  const http = transport === "http" ? await startEverythingOverHttp() : undefined;
  const server = http
    ? everythingOverHttp(http.url, {
        use: "workers",
        tools,
        headers: { "x-test-token": reference("MCP_TEST_SECRET") },
      })
    : everythingOverStdio({
        use: "workers",
        tools,
        environment: { SECRET_TOKEN: reference("MCP_TEST_SECRET") },
      });
  const { logger, lines } = collectingLogger();
  const mcp = testMcpServers({
    servers: [server],
    dataDir: data.path,
    environment: { MCP_TEST_SECRET: secret },
    logger,
  });
  const handle = await createTestDatabase("postgres");
  const llm = await startFakeLlmServer({ responder: respond });
  const recorded: unknown[] = [];
  const runtime = await startTestRuntime({
    handle,
    anthropicBaseUrl: llm.anthropicBaseUrl,
    mcpServers: mcp,
    logger,
    telemetry: recordingTelemetry(recorded),
    options: { maxToolResultCharacters: 10_000 },
  });
  return {
    handle,
    llm,
    mcp,
    runtime,
    lines,
    recorded,
    async close() {
      await runtime.stop();
      await handle.close();
      await llm.close();
      await http?.stop();
      await data.remove();
    },
  };
}

describe.each(["stdio", "http"] as const)(
  "server-everything over %s serves a worker under approvals",
  (transport) => {
    let world: World;
    beforeAll(async () => {
      world = await startWorld(transport);
    });
    afterAll(async () => {
      await world?.close();
    });

    it("runs a safe tool without approval, a default one only after an Approve, and refuses on Deny", async () => {
      const surface = createMemorySurface(world.runtime, { userId: "owner" });
      await surface.send("task: approvals");
      const first = await surface.waitFor((event) => event.type === "approval-requested");
      const action = parseApprovalAction(first.request.action);
      expect(action).toMatchObject({ tool: "everything__get-sum", input: { a: 1, b: 2 } });
      expect(action?.description).toContain(
        "The server claims (unverified): read-only: true; destructive: false",
      );
      // The safe echo already ran, without asking.
      expect(workerRequests(world.llm, "approvals")[1]?.lastToolResults[0]).toMatchObject({
        content: "Echo: hi",
        isError: false,
      });
      await surface.decide(first.request.id, "approve");
      const second = await surface.waitFor(
        (event) => event.type === "approval-requested" && event.request.id !== first.request.id,
      );
      if (second.type === "approval-requested") await surface.decide(second.request.id, "deny");
      await surface.waitFor((event) => event.type === "agent-finished");
      const requests = workerRequests(world.llm, "approvals");
      expect(requests[2]?.lastToolResults[0]?.isError).toBe(false);
      expect(requests[2]?.lastToolResults[0]?.content).toContain("3");
      expect(requests[3]?.lastToolResults[0]?.isError).toBe(true);
      expect(requests[3]?.lastToolResults[0]?.content).toMatch(/denied/i);
      expect(requests[0]?.toolNames).toEqual(
        expect.arrayContaining(["everything__echo", "everything__get-sum"]),
      );
      surface.close();
    });

    it("caps a result larger than the cap, with the rest readable by reference", async () => {
      const surface = createMemorySurface(world.runtime, { userId: "owner" });
      await surface.send("task: big");
      await surface.waitFor((event) => event.type === "agent-finished");
      const result = workerRequests(world.llm, "big")[1]?.lastToolResults[0];
      expect(result?.isError).toBe(false);
      expect(result?.content.length).toBeLessThanOrEqual(10_000);
      expect(result?.content).toMatch(/^Echo: start y+/);
      expect(result?.content).toMatch(/characters cut here\. Read them with read_tool_output/);
      expect(result?.content).toMatch(/y+ end$/);
      surface.close();
    });

    it("asks the server's elicitation in the thread and hands the answer back to the server", async () => {
      const surface = createMemorySurface(world.runtime, { userId: "owner" });
      await surface.send("task: link");
      const asked = await surface.waitFor((event) => event.type === "question-asked");
      expect(asked.request.action).toEqual({
        link: { url: "https://auth.example.com/consent", host: "auth.example.com" },
      });
      await surface.answer(asked.request.id, "Done");
      await surface.waitFor((event) => event.type === "agent-finished");
      const result = workerRequests(world.llm, "link")[1]?.lastToolResults[0];
      expect(result?.isError).toBe(false);
      expect(result?.content).toContain("User completed the URL elicitation flow");
      expect(result?.content).toContain("Elicitation ID: consent-9");
      surface.close();
    });

    it("keeps the server's secrets out of every prompt, log line, trace and stored row", async () => {
      const surface = createMemorySurface(world.runtime, { userId: "owner" });
      await surface.send("task: secrets");
      await surface.waitFor((event) => event.type === "agent-finished");
      if (transport === "stdio") {
        // The server did print it: get-env shows the environment it was given, redacted here.
        const printed = workerRequests(world.llm, "secrets")[1]?.lastToolResults[0]?.content ?? "";
        expect(printed).toContain('"SECRET_TOKEN": "[REDACTED]"');
      }
      expect(JSON.stringify(world.llm.requests.map((request) => request.body))).not.toContain(secret);
      expect(world.lines.length).toBeGreaterThan(0);
      expect(world.lines.join("\n")).not.toContain(secret);
      expect(JSON.stringify(world.recorded)).not.toContain(secret);
      const { tables, leaks } = await leaksInEveryTable(world.handle, [secret]);
      expect(tables).toBeGreaterThan(8);
      expect(leaks).toEqual([]);
      surface.close();
    });
  },
);

describe("a stdio server killed mid-session", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld("stdio");
  });
  afterAll(async () => {
    await world?.close();
  });

  it("is restarted, and the worker is told its call failed", async () => {
    const surface = createMemorySurface(world.runtime, { userId: "owner" });
    await surface.send("task: killed");
    // The long call is under way: the worker's first request was answered, its server runs, nothing came back yet.
    await eventually(() => workerRequests(world.llm, "killed").length === 1);
    const running = await eventually(() => descendantsRunning(process.pid, "node", everythingScript)[0]);
    // Its audit row is written just before the call goes out.
    await eventually(async () => {
      const rows = (await world.handle.db.execute(
        sql`select status from tool_calls where tool_name = 'everything__trigger-long-running-operation'`,
      )) as unknown as { rows: { status: string }[] };
      return rows.rows[0]?.status === "started";
    });
    await sleep(scaled(300));
    expect(workerRequests(world.llm, "killed")).toHaveLength(1);
    process.kill(running, "SIGKILL");
    await surface.waitFor((event) => event.type === "agent-finished", { timeoutMs: 60_000 });
    const requests = workerRequests(world.llm, "killed");
    expect(requests[1]?.lastToolResults[0]?.isError).toBe(true);
    expect(requests[1]?.lastToolResults[0]?.content).toMatch(
      /MCP server "everything" is unavailable: .*exited/,
    );
    expect(requests[2]?.lastToolResults[0]).toMatchObject({
      content: "Echo: after the restart",
      isError: false,
    });
    expect(surface.events.filter((event) => event.type === "mcp-server-unavailable")).toHaveLength(1);
    surface.close();
  });
});
