import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { agents, toolCalls, usageLedger } from "../../src/adapters/database/schema.ts";
import { loadTranscript } from "../../src/adapters/database/transcript.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import {
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { highestChunk, isSummarizer, readChunkTool, summaryOf } from "../helpers/chunk-reader.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { createGate } from "../helpers/runtime-gate.ts";
import { isSupervisorRequest, startTestRuntime, testConfig } from "../helpers/runtime-harness.ts";
import { waitUntil } from "../helpers/runtime-processes.ts";

const window = 6000;
const chunkCount = 12;

describe.each(backends)("a compaction whose runner is lost on %s", (backend) => {
  let handle: DatabaseHandle;
  let server: FakeLlmServer;
  const runtimes: Runtime[] = [];

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
    server = await startFakeLlmServer({ contextWindow: window });
  });
  afterAll(async () => {
    for (const runtime of runtimes) await runtime.stop();
    await handle?.close();
    await server?.close();
  });

  const start = async (instanceId: string) => {
    const config = testConfig();
    const runtime = await startTestRuntime({
      handle,
      anthropicBaseUrl: server.anthropicBaseUrl,
      instanceId,
      config: {
        ...config,
        contextWindows: { "anthropic:claude-sonnet-5-5": window, "anthropic:claude-haiku-5-5": window },
      },
      workerTools: [readChunkTool(chunkCount)],
    });
    runtimes.push(runtime);
    return runtime;
  };

  it("is done again by the next runner and stored once; the lost runner's summary is never stored", async () => {
    const held = createGate();
    let summarizerCalls = 0;
    server.respondWith(async (request) => {
      if (isSummarizer(request)) {
        summarizerCalls += 1;
        // The first summary is held until its runner is gone.
        if (summarizerCalls === 1) await held.wait();
        return textResponse(summaryOf(request));
      }
      if (isSupervisorRequest(request)) {
        if (request.turnIndex === 0) {
          return toolCallResponse([
            { name: "spawn_agent", input: { title: "Reader", brief: "read the log" } },
          ]);
        }
        return textResponse(request.lastUserText.includes("finished") ? "All done." : "Started.");
      }
      const chunk = highestChunk(request);
      if (chunk >= chunkCount)
        return toolCallResponse([{ name: "finish", input: { summary: "Read it all." } }]);
      return toolCallResponse([{ name: "read_chunk", input: { index: chunk + 1 } }]);
    });

    const first = await start("first");
    const surface = createMemorySurface(first, { userId: "owner" });
    await surface.send("please read the log");
    await waitUntil(() => summarizerCalls === 1, { timeoutMs: 20_000 });

    // Mid-compaction the first instance loses the agent, as when its process hangs or dies:
    // its lease is gone, and a second instance takes the agent over.
    const sessionId = surface.sessionId() ?? "";
    const second = await start("second");
    const readerOf = async () =>
      (await second.listAgents(sessionId)).find((agent) => agent.title === "Reader");
    const readerId = (await readerOf())?.id ?? "";
    await handle.db
      .update(agents)
      .set({ leaseOwner: "a-process-that-died", leaseExpiresAt: sql`now() - interval '1 second'` })
      .where(eq(agents.id, readerId));
    await waitUntil(() => summarizerCalls >= 2, { timeoutMs: 20_000 });
    held.open();
    await waitUntil(async () => (await readerOf())?.status === "done", { timeoutMs: 30_000 });
    const reader = await readerOf();
    const transcript = await loadTranscript(handle.db, reader?.id ?? "");
    const marks = transcript.flatMap((entry) =>
      entry.message.parts.flatMap((part) =>
        part.type === "text" && part.summarizesThrough !== undefined ? [part.summarizesThrough] : [],
      ),
    );
    // One summary per completed compaction; the held one (answered after its runner left) is not among them.
    expect(marks.length).toBe(summarizerCalls - 1);
    expect(new Set(marks).size).toBe(marks.length);
    // Each stored compaction was paid once, in its own step.
    const ledger = await handle.db
      .select()
      .from(usageLedger)
      .where(eq(usageLedger.agentId, reader?.id ?? ""));
    const assistantMessages = transcript.filter((entry) => entry.message.role === "assistant").length;
    expect(ledger.length).toBe(assistantMessages + marks.length);
    // Every chunk was read exactly once across both instances.
    const reads = await handle.db
      .select()
      .from(toolCalls)
      .where(and(eq(toolCalls.sessionId, sessionId), eq(toolCalls.toolName, "read_chunk")));
    expect(reads.map((row) => (row.input as { index: number }).index).sort((a, b) => a - b)).toEqual(
      Array.from({ length: chunkCount }, (_, index) => index + 1),
    );
    surface.close();
  });
});
