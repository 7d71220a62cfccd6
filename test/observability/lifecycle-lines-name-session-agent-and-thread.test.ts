import { describe, expect, it } from "vitest";
import type { AgentSnapshot } from "../../src/domain/agents.ts";
import { createLogger } from "../../src/logger.ts";
import { LifecycleLog } from "../../src/runtime/lifecycle-log.ts";
import type { SurfaceEvent } from "../../src/runtime/surface-port.ts";

function agent(id: string, overrides: Partial<AgentSnapshot> = {}): AgentSnapshot {
  return {
    id,
    sessionId: "ses_1",
    parentId: "agt_supervisor",
    role: "worker",
    title: "Deploy the secret plan",
    model: "anthropic:claude-haiku-5-5",
    status: "running",
    latestProgress: null,
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
    costMicros: 1200,
    startedAt: null,
    finishedAt: null,
    result: null,
    ...overrides,
  };
}

function recordingLog(db: unknown) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: "info",
    environment: "production",
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { log: new LifecycleLog({ db: db as never, logger }), lines };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe("lifecycle lines", () => {
  it("name the session, the agent and the thread; a failure is a warning with its reason", async () => {
    const { log, lines } = recordingLog({});
    log.sessionStarted({ id: "ses_1", surface: "slack", conversationKey: "T1:C1:17.1", ownerId: "U1" });
    log.agentSpawned({ id: "agt_1", sessionId: "ses_1", parentId: "agt_supervisor", model: "anthropic:x" });
    log.record({ type: "agent-failed", sessionId: "ses_1", agent: agent("agt_1"), reason: "timed out" });
    log.record({ type: "agent-cancelled", sessionId: "ses_1", agent: agent("agt_2") });
    log.record({
      type: "reply-delta",
      sessionId: "ses_1",
      agentId: "agt_supervisor",
      turnId: "t",
      delta: "hi",
    });
    // The surfaces' `session-idle` is not the line: the runtime writes it when the work is over.
    log.record({ type: "session-idle", sessionId: "ses_1" });
    log.sessionIdle("ses_1");
    await settle();
    expect(lines.map((line) => [line.event, line.level, line.sessionId, line.agentId, line.thread])).toEqual([
      ["session-started", 30, "ses_1", undefined, "slack:T1:C1:17.1"],
      ["agent-spawned", 30, "ses_1", "agt_1", "slack:T1:C1:17.1"],
      ["agent-failed", 40, "ses_1", "agt_1", "slack:T1:C1:17.1"],
      ["agent-cancelled", 30, "ses_1", "agt_2", "slack:T1:C1:17.1"],
      ["session-idle", 30, "ses_1", undefined, "slack:T1:C1:17.1"],
    ]);
    expect(lines[2]?.reason).toBe("timed out");
    expect(JSON.stringify(lines)).not.toContain("secret plan");
  });

  it("logs a request that is announced again (a resumed step, a restart) once", async () => {
    const { log, lines } = recordingLog({});
    log.sessionStarted({ id: "ses_1", surface: "slack", conversationKey: "T1:C1:17.1", ownerId: "U1" });
    const request = {
      id: "req_1",
      sessionId: "ses_1",
      agentId: "agt_1",
      kind: "question",
    } as unknown as Extract<SurfaceEvent, { type: "question-asked" }>["request"];
    log.record({ type: "question-asked", sessionId: "ses_1", request });
    log.record({ type: "question-asked", sessionId: "ses_1", request });
    log.record({ type: "question-asked", sessionId: "ses_1", request: { ...request, id: "req_2" } });
    await settle();
    expect(lines.filter((line) => line.event === "question-asked").map((line) => line.requestId)).toEqual([
      "req_1",
      "req_2",
    ]);
  });

  it("still logs, without the thread, when the session cannot be read", async () => {
    const failing = {
      select() {
        throw new Error("database down");
      },
    };
    const { log, lines } = recordingLog(failing);
    log.record({
      type: "agent-cancelled",
      sessionId: "ses_9",
      agent: agent("agt_9", { sessionId: "ses_9" }),
    });
    await settle();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ event: "agent-cancelled", sessionId: "ses_9", agentId: "agt_9" });
    expect(lines[0]?.thread).toBeUndefined();
  });
});
