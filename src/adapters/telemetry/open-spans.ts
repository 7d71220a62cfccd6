import { type Attributes, ROOT_CONTEXT, type Span, SpanKind, type Tracer, trace } from "@opentelemetry/api";
import type { TelemetryAgent } from "../../domain/telemetry-port.ts";

/** GenAI semantic conventions (development status), as of semantic-conventions 1.45. */
export const genAi = {
  operation: "gen_ai.operation.name",
  provider: "gen_ai.provider.name",
  requestModel: "gen_ai.request.model",
  requestStream: "gen_ai.request.stream",
  responseId: "gen_ai.response.id",
  finishReasons: "gen_ai.response.finish_reasons",
  inputTokens: "gen_ai.usage.input_tokens",
  outputTokens: "gen_ai.usage.output_tokens",
  cacheReadTokens: "gen_ai.usage.cache_read.input_tokens",
  cacheWriteTokens: "gen_ai.usage.cache_creation.input_tokens",
  conversationId: "gen_ai.conversation.id",
  agentId: "gen_ai.agent.id",
  agentName: "gen_ai.agent.name",
  toolName: "gen_ai.tool.name",
  toolCallId: "gen_ai.tool.call.id",
  toolType: "gen_ai.tool.type",
} as const;

interface OpenRun {
  span: Span;
  sessionId: string;
}

interface OpenSession {
  span: Span;
  runs: number;
}

/**
 * The spans open on this instance: a session span while any of its agents runs here, and an
 * agent span for each run of an agent, with model and tool calls as its children.
 */
export class OpenSpans {
  readonly #tracer: Tracer;
  readonly #sessions = new Map<string, OpenSession>();
  readonly #runs = new Map<string, OpenRun>();

  constructor(tracer: Tracer) {
    this.#tracer = tracer;
  }

  /** The agent's run span, started (under its session's span) when it has none. */
  agentSpan(agent: TelemetryAgent): Span {
    const known = this.#runs.get(agent.agentId);
    if (known) return known.span;
    const session = this.#sessionSpan(agent.sessionId);
    session.runs += 1;
    const span = this.#tracer.startSpan(
      `invoke_agent ${agent.role}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          [genAi.operation]: "invoke_agent",
          [genAi.agentId]: agent.agentId,
          [genAi.agentName]: agent.role,
          [genAi.conversationId]: agent.sessionId,
          ...agentAttributes(agent),
        },
      },
      trace.setSpan(ROOT_CONTEXT, session.span),
    );
    this.#runs.set(agent.agentId, { span, sessionId: agent.sessionId });
    return span;
  }

  /** A span under the agent's run span. */
  child(agent: TelemetryAgent, name: string, kind: SpanKind, attributes: Attributes): Span {
    return this.#tracer.startSpan(
      name,
      { kind, attributes },
      trace.setSpan(ROOT_CONTEXT, this.agentSpan(agent)),
    );
  }

  /** The open run span of an agent, if any. */
  runSpan(agentId: string): Span | undefined {
    return this.#runs.get(agentId)?.span;
  }

  /** Ends the agent's run span, and its session's span when no other run of it is open. */
  endRun(agentId: string): void {
    const run = this.#runs.get(agentId);
    if (!run) return;
    this.#runs.delete(agentId);
    run.span.end();
    const session = this.#sessions.get(run.sessionId);
    if (!session) return;
    session.runs -= 1;
    if (session.runs > 0) return;
    this.#sessions.delete(run.sessionId);
    session.span.end();
  }

  endAll(): void {
    for (const agentId of [...this.#runs.keys()]) this.endRun(agentId);
  }

  #sessionSpan(sessionId: string): OpenSession {
    let open = this.#sessions.get(sessionId);
    if (!open) {
      const span = this.#tracer.startSpan(
        "session",
        {
          kind: SpanKind.INTERNAL,
          attributes: { [genAi.conversationId]: sessionId, "threadwork.session.id": sessionId },
        },
        ROOT_CONTEXT,
      );
      open = { span, runs: 0 };
      this.#sessions.set(sessionId, open);
    }
    return open;
  }
}

export function agentAttributes(agent: TelemetryAgent): Attributes {
  return {
    "threadwork.session.id": agent.sessionId,
    "threadwork.agent.id": agent.agentId,
    "threadwork.agent.role": agent.role,
  };
}
