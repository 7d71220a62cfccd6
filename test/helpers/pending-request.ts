import type { RequestSnapshot } from "../../src/domain/requests.ts";

/** A pending question nobody has answered yet, with `overrides` for what the test is about. */
export function pendingRequest(overrides: Partial<RequestSnapshot> = {}): RequestSnapshot {
  return {
    id: "request_1",
    sessionId: "session_1",
    agentId: "agent_1",
    agentTitle: "Agent 1",
    kind: "question",
    prompt: "Which one?",
    choices: null,
    action: null,
    pattern: null,
    status: "pending",
    decision: null,
    answer: null,
    decidedBy: null,
    decidedAt: null,
    ...overrides,
  };
}
