import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { toolCalls } from "../../src/adapters/database/schema.ts";
import { loadTranscript } from "../../src/adapters/database/transcript.ts";
import { createOpenAIProvider } from "../../src/adapters/providers/openai-provider.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import {
  type FakeLlmRequest,
  type FakeLlmResponse,
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { everything, highestChunk, isSummarizer, readChunkTool } from "../helpers/chunk-reader.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { briefOf, isSupervisorRequest, startTestRuntime, testConfig } from "../helpers/runtime-harness.ts";

const window = 6000;
const chunkCount = 20;
const brief = "compact: read every chunk of the log in order; the marker is BRIEF-MARKER-42";

function promptTooLong(api: FakeLlmRequest["api"]): FakeLlmResponse {
  // What each real API answers a prompt over the window.
  return api === "anthropic"
    ? {
        error: {
          status: 400,
          type: "invalid_request_error",
          message: `prompt is too long: ${window + 812} tokens > ${window} maximum`,
        },
      }
    : {
        error: {
          status: 400,
          type: "invalid_request_error",
          code: "context_length_exceeded",
          param: "messages",
          message: `This model's maximum context length is ${window} tokens. However, your messages resulted in ${window + 812} tokens. Please reduce the length of the messages.`,
        },
      };
}

const apis = ["anthropic", "openai"] as const;
const cases = backends.flatMap((backend) => apis.map((api) => [backend, api] as const));

describe.each(cases)("compaction keeps the brief within the window on %s through %s", (backend, api) => {
  let handle: DatabaseHandle;
  let server: FakeLlmServer;
  let runtime: Runtime;

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
    server = await startFakeLlmServer({ contextWindow: window });
    const base = testConfig();
    const models =
      api === "anthropic"
        ? base.models
        : {
            supervisor: { provider: "openai" as const, model: "gpt-small-window" },
            worker: { provider: "openai" as const, model: "gpt-small-window" },
            strong: { provider: "openai" as const, model: "gpt-small-window" },
          };
    runtime = await startTestRuntime({
      handle,
      anthropicBaseUrl: server.anthropicBaseUrl,
      ...(api === "openai"
        ? {
            provider: createOpenAIProvider({
              baseUrl: server.openaiBaseUrl,
              retryPolicy: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 40, maxRetryAfterMs: 50 },
            }),
          }
        : {}),
      config: {
        ...base,
        models,
        contextWindows: {
          [`${models.supervisor.provider}:${models.supervisor.model}`]: window,
          [`${models.worker.provider}:${models.worker.model}`]: window,
        },
      },
      workerTools: [readChunkTool(chunkCount)],
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    await handle?.close();
    await server?.close();
  });

  it("summarises older turns, keeps the brief and the answer verbatim, and recovers from prompt-too-long", async () => {
    let forcedAt: number | undefined;
    server.respondWith((request) => {
      if (isSummarizer(request)) {
        return textResponse(`Progress: read chunks 1 to ${highestChunk(request)}. The user chose tabs.`);
      }
      if (isSupervisorRequest(request)) {
        if (request.turnIndex === 0) {
          return toolCallResponse([{ name: "spawn_agent", input: { title: "Reader", brief } }]);
        }
        return textResponse(request.lastUserText.includes("finished") ? "All done." : "Started.");
      }
      if (!everything(request).includes("The user answered")) {
        return toolCallResponse([{ name: "ask_user", input: { question: "Tabs or spaces?" } }]);
      }
      const chunk = highestChunk(request);
      if (chunk === 9 && forcedAt === undefined) {
        forcedAt = server.requests.length;
        return promptTooLong(request.api);
      }
      if (chunk >= chunkCount) {
        return toolCallResponse([{ name: "finish", input: { summary: `Read ${chunk} chunks.` } }]);
      }
      return toolCallResponse([{ name: "read_chunk", input: { index: chunk + 1 } }]);
    });

    const surface = createMemorySurface(runtime, { userId: "owner" });
    await surface.send("please read the log");
    const question = await surface.waitFor((event) => event.type === "question-asked");
    expect((await surface.answer(question.request.id, "tabs", "owner")).ok).toBe(true);
    await surface.waitFor((event) => event.type === "reply-completed" && event.text === "All done.", {
      timeoutMs: 30_000,
    });
    const sessionId = surface.sessionId() ?? "";
    const reader = (await runtime.listAgents(sessionId)).find((agent) => agent.title === "Reader");
    expect(reader?.status).toBe("done");

    // The fake provider never received a prompt over the window.
    const over = server.requests.filter((request) => request.promptTokens > window);
    expect(over.map((request) => request.promptTokens)).toEqual([]);

    const workerTurns = server.requests.filter(
      (request) => !isSummarizer(request) && !isSupervisorRequest(request),
    );
    const summaries = server.requests.filter(isSummarizer);
    expect(summaries.length).toBeGreaterThanOrEqual(2);

    // The brief is intact in every turn: the first message starts with it, byte for byte.
    const firstText = briefOf(workerTurns[0] as FakeLlmRequest);
    expect(firstText).toBe(brief);
    for (const request of workerTurns) expect(briefOf(request).startsWith(brief)).toBe(true);
    // The person's answer stays verbatim after every compaction.
    const answered = workerTurns.filter((request) => highestChunk(request) > 0);
    for (const request of answered) expect(everything(request)).toContain("The user answered: tabs");
    const compacted = workerTurns.filter((request) => everything(request).includes("Progress: read chunks"));
    expect(compacted.length).toBeGreaterThan(0);
    if (api === "anthropic") {
      // The kept first message ends in a cache breakpoint of its own, so compactions do not lose its cache.
      for (const request of compacted) {
        const block = request.messages[0]?.raw[0] as { cache_control?: unknown } | undefined;
        expect(block?.cache_control).toBeDefined();
      }
    }

    // The forced "prompt too long" was followed by a compaction and the same turn asked again.
    expect(forcedAt).toBeDefined();
    expect(isSummarizer(server.requests[forcedAt ?? 0] as FakeLlmRequest)).toBe(true);

    // Every chunk was read exactly once: no tool call ran twice, none was skipped.
    const reads = await handle.db
      .select()
      .from(toolCalls)
      .where(and(eq(toolCalls.sessionId, sessionId), eq(toolCalls.toolName, "read_chunk")));
    const indexes = reads.map((row) => (row.input as { index: number }).index).sort((a, b) => a - b);
    expect(indexes).toEqual(Array.from({ length: chunkCount }, (_, index) => index + 1));

    // The summaries are stored in the transcript, each standing for more than the one before.
    const transcript = await loadTranscript(handle.db, reader?.id ?? "");
    const marks = transcript.flatMap((entry) =>
      entry.message.parts.flatMap((part) =>
        part.type === "text" && part.summarizesThrough !== undefined ? [part.summarizesThrough] : [],
      ),
    );
    expect(marks.length).toBe(summaries.length);
    expect([...marks].sort((a, b) => a - b)).toEqual(marks);
    expect(new Set(marks).size).toBe(marks.length);
    surface.close();
  });
});
