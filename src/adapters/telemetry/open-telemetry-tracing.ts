import { type Span, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, type SpanExporter, TracerProvider } from "@opentelemetry/sdk-trace";
import { noTelemetry, type Telemetry, type TelemetryAgent } from "../../domain/telemetry-port.ts";
import { agentAttributes, genAi, OpenSpans } from "./open-spans.ts";

type ModelCall = Parameters<Telemetry["modelCall"]>[1];
type ToolCall = Parameters<Telemetry["toolCall"]>[1];

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
  const spans = new OpenSpans(provider.getTracer("threadwork"));
  const telemetry: Telemetry = {
    ...noTelemetry,
    stepStarted(agent) {
      spans.agentSpan(agent);
    },
    modelCall: (agent, call) => modelCallSpan(spans, agent, call),
    toolCall: (agent, call) => toolCallSpan(spans, agent, call),
    agentEnded(agent, outcome) {
      spans.runSpan(agent.agentId)?.setAttribute("threadwork.agent.outcome", outcome);
    },
    agentRunEnded: (agentId) => spans.endRun(agentId),
  };
  return {
    telemetry,
    flush: () => provider.forceFlush(),
    async shutdown() {
      spans.endAll();
      await provider.shutdown();
    },
  };
}

function failed(span: Span, errorType: string): void {
  span.setAttribute("error.type", errorType);
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

function modelCallSpan(
  spans: OpenSpans,
  agent: TelemetryAgent,
  call: ModelCall,
): ReturnType<Telemetry["modelCall"]> {
  const span = spans.child(agent, `chat ${call.model}`, SpanKind.CLIENT, {
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
}

function toolCallSpan(
  spans: OpenSpans,
  agent: TelemetryAgent,
  call: ToolCall,
): ReturnType<Telemetry["toolCall"]> {
  const span = spans.child(agent, `execute_tool ${call.name}`, SpanKind.INTERNAL, {
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
}
