import { afterEach, beforeEach, expect, it } from "vitest";
import type { RetryLogger, Sleep } from "../../src/adapters/providers/retry.ts";
import { ProviderError } from "../../src/domain/errors.ts";
import type { ChatMessage, ToolCallPart, Usage } from "../../src/domain/messages.ts";
import { toolCallsOf } from "../../src/domain/messages.ts";
import type { ModelProvider, ModelRef, ModelTurnRequest } from "../../src/domain/model.ts";
import { costOf } from "../../src/domain/pricing.ts";
import {
  errorResponse,
  type FakeLlmRequest,
  type FakeLlmServer,
  type FakeUsage,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { recordingLogger, recordingSleep, tools, userText } from "./provider-test-helpers.ts";

/** One adapter as the contract sees it: how to build it, and what it sends and reports in its own terms. */
export interface ProviderUnderTest {
  name: string;
  model: ModelRef;
  apiKey: string;
  responseIdPattern: RegExp;
  create(server: FakeLlmServer, settings: { sleep: Sleep; logger?: RetryLogger }): ModelProvider;
  /**
   * Checks the request that carried the tool conversation back: the assistant's text and two
   * `read_file` calls, then their results, "hello" and the error "permission denied".
   */
  expectToolExchangeSent(request: FakeLlmRequest | undefined, calls: ToolCallPart[], stream: boolean): void;
  /** Usage the server reports, what the adapter makes of it, and its price in micro-dollars. */
  usage: { reported: FakeUsage; expected: Usage; micros: number };
}

/**
 * The behaviours every model provider adapter shares, run through the real SDK against the fake
 * server. Call it inside a `describe` per adapter.
 */
export function providerContract(subject: ProviderUnderTest): void {
  let server: FakeLlmServer;

  beforeEach(async () => {
    server = await startFakeLlmServer();
  });

  afterEach(async () => {
    await server.close();
  });

  function provider(settings: { sleep?: Sleep; logger?: RetryLogger } = {}) {
    return subject.create(server, {
      sleep: settings.sleep ?? recordingSleep().sleep,
      logger: settings.logger,
    });
  }

  function request(messages: ChatMessage[], extra: Partial<ModelTurnRequest> = {}): ModelTurnRequest {
    return { model: subject.model.model, system: "You are a careful engineer.", messages, tools, ...extra };
  }

  for (const stream of [false, true]) {
    it(`holds a multi-turn tool-using conversation (${stream ? "streaming" : "non-streaming"})`, async () => {
      server.script(
        toolCallResponse(
          [
            { name: "read_file", input: { path: "notes/a.txt" } },
            { name: "read_file", input: { path: "notes/b.txt" } },
          ],
          { text: "Reading both.", chunkSize: 3 },
        ),
        textResponse("They say hello and bye."),
      );
      const model = provider();
      const deltas: string[] = [];
      const history: ChatMessage[] = [userText("What is in notes/?")];
      const first = await model.turn(
        request(history, { stream, onTextDelta: (delta) => deltas.push(delta) }),
      );

      expect(first.stopReason).toBe("tool_use");
      const calls = toolCallsOf(first.message);
      expect(calls.map((call) => call.name)).toEqual(["read_file", "read_file"]);
      expect(calls.map((call) => call.input)).toEqual([{ path: "notes/a.txt" }, { path: "notes/b.txt" }]);
      expect(first.responseId).toMatch(subject.responseIdPattern);
      if (stream) expect(deltas.join("")).toBe("Reading both.");
      else expect(deltas).toEqual([]);

      history.push(first.message, {
        role: "user",
        parts: calls.map((call, index) => ({
          type: "tool_result" as const,
          toolCallId: call.id,
          toolName: call.name,
          content: index === 0 ? "hello" : "permission denied",
          isError: index === 1,
        })),
      });
      const second = await model.turn(request(history, { stream }));
      expect(second.stopReason).toBe("end_turn");
      expect(second.message.parts).toEqual([{ type: "text", text: "They say hello and bye." }]);
      expect(server.requests[1]?.body.stream ?? false).toBe(stream);
      subject.expectToolExchangeSent(server.requests[1], calls, stream);
    });
  }

  it("retries overload, server errors and rate limits, honouring retry-after, and logs without the key", async () => {
    server.script(
      errorResponse(529),
      errorResponse(500),
      errorResponse(429, { retryAfterSeconds: 7 }),
      errorResponse(429, { retryAfterMs: 1234 }),
      textResponse("finally"),
    );
    const { sleep, waits } = recordingSleep();
    const { logger, lines } = recordingLogger();
    const result = await provider({ sleep, logger }).turn(request([userText("hi")], { stream: true }));
    expect(result.message.parts).toEqual([{ type: "text", text: "finally" }]);
    expect(server.requests).toHaveLength(5);
    expect(waits).toHaveLength(4);
    // Backoff with jitter: half to all of 500 ms, then of 1,000 ms; a server's retry-after wins.
    expect(waits[0]).toBeGreaterThanOrEqual(250);
    expect(waits[0]).toBeLessThanOrEqual(500);
    expect(waits[1]).toBeGreaterThanOrEqual(500);
    expect(waits[1]).toBeLessThanOrEqual(1000);
    expect(waits[2]).toBe(7000);
    expect(waits[3]).toBe(1234);
    expect(lines).toHaveLength(4);
    expect(lines.join("\n")).toContain("529");
    expect(lines.join("\n")).not.toContain(subject.apiKey);
    const headers = server.requests[0]?.headers ?? {};
    expect(headers["x-api-key"] ?? headers.authorization).toBe("[redacted]");
    expect(JSON.stringify(server.requests)).not.toContain(subject.apiKey);
  });

  it("gives up after the attempts allowed, with a retryable ProviderError", async () => {
    server.script(...Array.from({ length: 6 }, () => errorResponse(500)), textResponse("too late"));
    const error = await provider()
      .turn(request([userText("hi")]))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status: 500, retryable: true });
    expect(server.requests).toHaveLength(6);
  });

  it("does not retry a 400", async () => {
    server.script(errorResponse(400, { message: "messages: field required" }), textResponse("never"));
    const error = await provider()
      .turn(request([userText("hi")]))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status: 400, retryable: false });
    expect((error as Error).message).toContain("messages: field required");
    expect(server.requests).toHaveLength(1);
  });

  it("does not retry a stream that failed after text reached the caller", async () => {
    server.script(textResponse("partial answer", { streamError: { status: 529 } }), textResponse("again"));
    const deltas: string[] = [];
    const error = await provider()
      .turn(request([userText("hi")], { stream: true, onTextDelta: (delta) => deltas.push(delta) }))
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ retryable: true });
    expect((error as Error).message).toContain("already streamed");
    expect(deltas.length).toBeGreaterThan(0);
    expect(server.requests).toHaveLength(1);
  });

  it("reports usage, cache tokens included, and its cost", async () => {
    server.script(textResponse("hi", { usage: subject.usage.reported }));
    const result = await provider().turn(request([userText("hi")]));
    expect(result.usage).toEqual(subject.usage.expected);
    expect(costOf(subject.model, result.usage)).toEqual({ micros: subject.usage.micros, priced: true });
  });

  for (const stream of [false, true]) {
    it(`rejects promptly when aborted (${stream ? "streaming" : "non-streaming"})`, async () => {
      server.script(textResponse("slow ".repeat(50), stream ? { chunkDelayMs: 200 } : { delayMs: 10_000 }));
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(), 100);
      const error = await provider()
        .turn(request([userText("hi")], { stream, signal: controller.signal }))
        .catch((caught: unknown) => caught);
      expect((error as Error).name).toBe("AbortError");
      expect(Date.now() - started).toBeLessThan(2000);
    });
  }
}
