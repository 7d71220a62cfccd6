import {
  type Attributes,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, type SpanExporter, TracerProvider } from "@opentelemetry/sdk-trace";
import { noTelemetry, type Telemetry, type TelemetryAgent } from "../../domain/telemetry-port.ts";

/** GenAI semantic conventions (development status), as of semantic-conventions 1.45. */
const genAi = {
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

interface TracingOptions {
  /** The OTLP/HTTP traces URL, e.g. `http://collector:4318/v1/traces`. */
  url: string;
  serviceName: string;
  serviceVersion?: string;
  instanceId?: string;
  /** Replaces the OTLP exporter (tests). */
  exporter?: SpanExporter;
  /** How long spans wait to be batched; the SDK's default is 5 s. */
  batchDelayMs?: number;
}

interface Tracing {
  telemetry: Telemetry;
  /** Sends what is buffered. */
  flush(): Promise<void>;
  /** Ends open spans, sends everything, stops the exporter. */
  shutdown(): Promise<void>;
}

interface OpenRun {
  span: Span;
  sessionId: string;
}

interface OpenSession {
  span: Span;
  runs: number;
}

/**
 * Spans for session → agent → model call and tool call. A session span lasts while any of
 * its agents runs on this instance; an agent span is one run of the agent (while this
 * instance holds its lease). Only ids, names, models and token counts are recorded: never
 * a prompt, a reply, a tool's input or output, or an agent's title or brief.
 */
export function createOpenTelemetryTracing(options: TracingOptions): Tracing {
  const exporter = options.exporter ?? new OTLPTraceExporter({ url: options.url });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      "service.name": options.serviceName,
      ...(options.serviceVersion ? { "service.version": options.serviceVersion } : {}),
      ...(options.instanceId ? { "service.instance.id": options.instanceId } : {}),
    }),
    spanProcessors: [
      new BatchSpanProcessor({ exporter, scheduledDelayMillis: options.batchDelayMs ?? 5000 }),
    ],
  });
  const tracer: Tracer = provider.getTracer("threadwork");
  const sessions = new Map<string, OpenSession>();
  const runs = new Map<string, OpenRun>();

  function sessionSpan(sessionId: string): OpenSession {
    let open = sessions.get(sessionId);
    if (!open) {
      const span = tracer.startSpan(
        "session",
        {
          kind: SpanKind.INTERNAL,
          attributes: { [genAi.conversationId]: sessionId, "threadwork.session.id": sessionId },
        },
        ROOT_CONTEXT,
      );
      open = { span, runs: 0 };
      sessions.set(sessionId, open);
    }
    return open;
  }

  function agentSpan(agent: TelemetryAgent): Span {
    const known = runs.get(agent.agentId);
    if (known) return known.span;
    const session = sessionSpan(agent.sessionId);
    session.runs += 1;
    const span = tracer.startSpan(
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
    runs.set(agent.agentId, { span, sessionId: agent.sessionId });
    return span;
  }

  function child(agent: TelemetryAgent, name: string, kind: SpanKind, attributes: Attributes): Span {
    return tracer.startSpan(name, { kind, attributes }, trace.setSpan(ROOT_CONTEXT, agentSpan(agent)));
  }

  function endRun(agentId: string): void {
    const run = runs.get(agentId);
    if (!run) return;
    runs.delete(agentId);
    run.span.end();
    const session = sessions.get(run.sessionId);
    if (!session) return;
    session.runs -= 1;
    if (session.runs > 0) return;
    sessions.delete(run.sessionId);
    session.span.end();
  }

  const failed = (span: Span, errorType: string) => {
    span.setAttribute("error.type", errorType);
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };

  const telemetry: Telemetry = {
    ...noTelemetry,
    stepStarted(agent) {
      agentSpan(agent);
    },
    modelCall(agent, call) {
      const span = child(agent, `chat ${call.model}`, SpanKind.CLIENT, {
        [genAi.operation]: "chat",
        [genAi.provider]: call.provider,
        [genAi.requestModel]: call.model,
        [genAi.requestStream]: call.streaming,
        [genAi.conversationId]: agent.sessionId,
        [genAi.agentId]: agent.agentId,
        ...agentAttributes(agent),
      });
      return {
        end(result) {
          const usage = result.usage;
          // The conventions count cached input in input_tokens; ours keeps the three apart.
          span.setAttributes({
            [genAi.inputTokens]: usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens,
            [genAi.outputTokens]: usage.outputTokens,
            [genAi.cacheReadTokens]: usage.cacheReadTokens,
            [genAi.cacheWriteTokens]: usage.cacheWriteTokens,
            ...(result.responseId ? { [genAi.responseId]: result.responseId } : {}),
            ...(result.stopReason ? { [genAi.finishReasons]: [result.stopReason] } : {}),
            ...(result.costMicros !== undefined ? { "threadwork.cost_usd": result.costMicros / 1e6 } : {}),
          });
          span.end();
        },
        fail: (errorType) => failed(span, errorType),
      };
    },
    toolCall(agent, call) {
      const span = child(agent, `execute_tool ${call.name}`, SpanKind.INTERNAL, {
        [genAi.operation]: "execute_tool",
        [genAi.toolName]: call.name,
        [genAi.toolCallId]: call.id,
        [genAi.toolType]: "function",
        ...(call.mcpServer ? { "threadwork.mcp.server": call.mcpServer } : {}),
        [genAi.conversationId]: agent.sessionId,
        [genAi.agentId]: agent.agentId,
        ...agentAttributes(agent),
      });
      return {
        end(result) {
          span.setAttribute("threadwork.tool.outcome", result.status);
          span.end();
        },
        fail: (errorType) => failed(span, errorType),
      };
    },
    agentEnded(agent, outcome) {
      runs.get(agent.agentId)?.span.setAttribute("threadwork.agent.outcome", outcome);
    },
    agentRunEnded: endRun,
  };

  return {
    telemetry,
    flush: () => provider.forceFlush(),
    async shutdown() {
      for (const agentId of [...runs.keys()]) endRun(agentId);
      await provider.shutdown();
    },
  };
}

function agentAttributes(agent: TelemetryAgent): Attributes {
  return {
    "threadwork.session.id": agent.sessionId,
    "threadwork.agent.id": agent.agentId,
    "threadwork.agent.role": agent.role,
  };
}
