import type { DecisionOutcome } from "../domain/requests.ts";
import type { InputOutcome, RuntimeApi } from "../runtime/runtime-api.ts";
import type { SessionKey, SurfaceEvent, SurfaceInput } from "../runtime/surface-port.ts";
import { RecordedEvents } from "./recorded-events.ts";

interface MemorySurface {
  readonly key: SessionKey;
  /** Every event seen, in order. */
  readonly events: SurfaceEvent[];
  send(text: string, userId?: string): Promise<InputOutcome>;
  answer(requestId: string, answer: string, userId?: string): Promise<DecisionOutcome>;
  decide(
    requestId: string,
    decision: "approve" | "deny" | "always_allow",
    userId?: string,
  ): Promise<DecisionOutcome>;
  decideBudget(requestId: string, decision: "extend" | "stop", userId?: string): Promise<DecisionOutcome>;
  /** Resolves with the first event (already seen or future) matching `predicate`. */
  waitFor<Type extends SurfaceEvent["type"]>(
    predicate: (event: SurfaceEvent) => event is Extract<SurfaceEvent, { type: Type }>,
    options?: { timeoutMs?: number; after?: number },
  ): Promise<Extract<SurfaceEvent, { type: Type }>>;
  waitFor(
    predicate: (event: SurfaceEvent) => boolean,
    options?: { timeoutMs?: number; after?: number },
  ): Promise<SurfaceEvent>;
  /** Texts of the supervisor's completed replies. */
  replies(): string[];
  sessionId(): string | undefined;
  close(): void;
}

/**
 * An in-memory surface for tests: one conversation, its events recorded, inputs sent
 * straight into the runtime. It sees only this session's events.
 */
export function createMemorySurface(
  runtime: RuntimeApi,
  options: { key?: SessionKey; userId?: string } = {},
): MemorySurface {
  const key = options.key ?? {
    surface: "memory",
    conversationKey: `conversation-${Math.random().toString(36).slice(2)}`,
  };
  const defaultUser = options.userId ?? "user-1";
  const recorded = new RecordedEvents();
  const events = recorded.events;
  let sessionId: string | undefined;

  // Events may arrive before `send` learns the session id: hold them until then.
  const early: SurfaceEvent[] = [];

  function learnSession(id: string): void {
    if (sessionId !== undefined) return;
    sessionId = id;
    for (const event of early.splice(0)) if (event.sessionId === id) recorded.record(event);
  }

  const unsubscribe = runtime.subscribe((event) => {
    if (sessionId === undefined) early.push(event);
    else if (event.sessionId === sessionId) recorded.record(event);
  });

  async function decision(input: SurfaceInput): Promise<DecisionOutcome> {
    const outcome = await runtime.handle(input);
    if (outcome.type !== "decision") throw new Error(`expected a decision outcome, got ${outcome.type}`);
    return outcome.outcome;
  }

  return {
    key,
    events,
    async send(text, userId = defaultUser) {
      if (sessionId === undefined) {
        const existing = await runtime.findSession(key);
        if (existing) learnSession(existing.id);
      }
      const outcome = await runtime.handle({ type: "user-message", key, userId, text });
      if (outcome.type === "message-accepted") learnSession(outcome.sessionId);
      return outcome;
    },
    answer: (requestId, answer, userId = defaultUser) =>
      decision({ type: "answer", requestId, userId, answer }),
    decide: (requestId, choice, userId = defaultUser) =>
      decision({ type: "approval-decision", requestId, userId, decision: choice }),
    decideBudget: (requestId, choice, userId = defaultUser) =>
      decision({ type: "budget-decision", requestId, userId, decision: choice }),
    waitFor: (
      predicate: (event: SurfaceEvent) => boolean,
      waitOptions?: { timeoutMs?: number; after?: number },
    ) => recorded.waitFor(predicate, waitOptions),
    replies: () => events.flatMap((event) => (event.type === "reply-completed" ? [event.text] : [])),
    sessionId: () => sessionId,
    close() {
      unsubscribe();
      recorded.clearWaiters();
    },
  } as MemorySurface;
}
