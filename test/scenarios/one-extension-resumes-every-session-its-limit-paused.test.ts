import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import type { SurfaceEvent } from "../../src/runtime/surface-port.ts";
import {
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";
import { eventually } from "../helpers/eventually.ts";
import { startTestRuntime, testConfig } from "../helpers/runtime-harness.ts";

const approver = "U0APPROVER";
const metadata = { teamId: "T1", channel: "C1", threadTs: "1.1" };

describe.each(backends)("a channel's spend limit on %s", (backend) => {
  let handle: DatabaseHandle;
  let llm: FakeLlmServer;
  let runtime: Runtime;
  const events: SurfaceEvent[] = [];

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
    llm = await startFakeLlmServer();
    // One output token costs $0.001: session A's first turn spends $1.20 of the channel's $1.00.
    llm.respondWith((request) => {
      const first = request.messages[0]?.text ?? "";
      const session = first.includes("session A") ? "A" : "B";
      if (session === "A" && request.turnIndex === 0) {
        return toolCallResponse([{ name: "list_agents", input: {} }], {
          usage: { inputTokens: 0, outputTokens: 1200 },
        });
      }
      return textResponse(`${session} done.`, { usage: { inputTokens: 0, outputTokens: 10 } });
    });
    const config = testConfig({ spendLimits: { "channel-day": 1_000_000 } }, [approver]);
    config.priceOverrides = { "anthropic:claude-sonnet-5-5": { input: 0, output: 1000, cacheRead: 0 } };
    runtime = await startTestRuntime({ handle, anthropicBaseUrl: llm.anthropicBaseUrl, config });
    runtime.subscribe((event) => void events.push(event));
  });
  afterAll(async () => {
    await runtime?.stop();
    await llm?.close();
    await handle?.close();
  });

  const send = (name: string) =>
    runtime.handle({
      type: "user-message",
      key: { surface: "slack", conversationKey: `T1:C1:${name}` },
      userId: `U0OWNER${name}`,
      text: `session ${name}: look around`,
      metadata,
    });
  const reachedIn = (sessionId: string) =>
    events.find(
      (event): event is Extract<SurfaceEvent, { type: "budget-reached" }> =>
        event.type === "budget-reached" && event.sessionId === sessionId,
    );
  const replied = (sessionId: string, text: string) =>
    events.some(
      (event) => event.type === "reply-completed" && event.sessionId === sessionId && event.text === text,
    );

  it("pauses every session of the channel at the limit, and one approver's Extend resumes them all", async () => {
    const first = await send("A");
    const sessionA = first.type === "message-accepted" ? first.sessionId : "";
    const pausedA = await eventually(() => reachedIn(sessionA));
    const second = await send("B");
    const sessionB = second.type === "message-accepted" ? second.sessionId : "";
    const pausedB = await eventually(() => reachedIn(sessionB));
    // B paused before its first model call: the channel had spent its day.
    expect(llm.requests.filter((request) => request.messages[0]?.text.includes("session B"))).toHaveLength(0);
    expect(pausedB.request.prompt).toContain("$1.20 spent of $1.00");
    expect(
      events.filter((event) => event.type === "spend-limit-alert").map((event) => event.alert.percent),
    ).toEqual([75, 95]);

    const refused = await runtime.handle({
      type: "budget-decision",
      requestId: pausedA.request.id,
      userId: "U0OWNERA",
      decision: "extend",
    });
    expect(refused).toMatchObject({ type: "decision", outcome: { ok: false, reason: "not_authorized" } });

    const extended = await runtime.handle({
      type: "budget-decision",
      requestId: pausedA.request.id,
      userId: approver,
      decision: "extend",
    });
    expect(extended).toMatchObject({ type: "decision", outcome: { ok: true } });
    await eventually(() => replied(sessionA, "A done.") && replied(sessionB, "B done."));
    const decided = events.filter((event) => event.type === "request-decided").map((event) => event.request);
    expect(decided.map((request) => [request.id, request.status, request.decidedBy])).toEqual(
      expect.arrayContaining([
        [pausedA.request.id, "extended", approver],
        [pausedB.request.id, "extended", approver],
      ]),
    );
    expect(events.filter((event) => event.type === "spend-limit-alert")).toHaveLength(2);
  });
});
