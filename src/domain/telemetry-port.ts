import type { AgentRole } from "./agents.ts";
import type { Usage } from "./messages.ts";
import type { RequestKind, RequestStatus } from "./requests.ts";
import type { ToolCallStatus } from "./tool.ts";

/**
 * What the runtime, the Slack adapter and the surfaces report for metrics and traces.
 * Implementations (Prometheus, OpenTelemetry) live in `adapters/telemetry/`; nothing here
 * carries text a model or a person wrote, only ids, names from our own registries and numbers.
 */

/** Who did something: ids and the role, never the agent's title or brief. */
export interface TelemetryAgent {
  sessionId: string;
  agentId: string;
  role: AgentRole;
}

/** What a step of an agent does, as `planNextStep` decided. */
type StepKind = "model" | "tool" | "drain" | "rest";

interface ModelCallStart {
  provider: string;
  model: string;
  streaming: boolean;
}

export interface ModelCallEnd {
  usage: Usage;
  /** Micro-dollars; undefined when the model has no price (unknown, not zero). */
  costMicros: number | undefined;
  responseId?: string | undefined;
  stopReason?: string | undefined;
}

interface ToolCallStart {
  id: string;
  name: string;
  /** The MCP server the tool comes from; absent for built-in tools. */
  mcpServer?: string;
}

/** One timed operation: ended once, with its result or the kind of error that ended it. */
export interface Measurement<Result> {
  end(result: Result): void;
  /** `errorType` is a short code (`cancelled`, `http_429`, `ProviderError`), never a message. */
  fail(errorType: string): void;
}

export interface RuntimeTelemetry {
  sessionStarted(surface: string): void;
  stepStarted(agent: TelemetryAgent, kind: StepKind): void;
  modelCall(agent: TelemetryAgent, call: ModelCallStart): Measurement<ModelCallEnd>;
  toolCall(agent: TelemetryAgent, call: ToolCallStart): Measurement<{ status: ToolCallStatus }>;
  /** Every tool call's outcome, whether it ran now, was refused, or was replayed. */
  toolCallSettled(agent: TelemetryAgent, call: { name: string; status: ToolCallStatus }): void;
  agentEnded(agent: TelemetryAgent, outcome: "done" | "failed" | "cancelled"): void;
  requestDecided(request: { kind: RequestKind; status: RequestStatus; waitedSeconds: number }): void;
  /** A runner let go of the agent (its lease): the end of one run of it on this instance. */
  agentRunEnded(agentId: string): void;
}

export interface SlackTelemetry {
  slackCall(method: string, outcome: "ok" | "error" | "rate_limited", seconds: number): void;
  slackRateLimited(method: string, retryAfterSeconds: number): void;
  /** How long a call waited in the pacer before it was sent. */
  slackPaced(method: string, waitedSeconds: number): void;
}

export interface SurfaceTelemetry {
  /** From a message's arrival to the first sign that it was seen (a status or a reaction). */
  firstFeedback(surface: string, seconds: number): void;
  /** From a message's arrival to the first reply text on screen. */
  firstReply(surface: string, seconds: number): void;
}

export interface Telemetry extends RuntimeTelemetry, SlackTelemetry, SurfaceTelemetry {}

const nothingMeasured: Measurement<never> = { end: () => undefined, fail: () => undefined };

/** Reports nowhere: the default wherever no telemetry is wired in. */
export const noTelemetry: Telemetry = {
  sessionStarted: () => undefined,
  stepStarted: () => undefined,
  modelCall: () => nothingMeasured,
  toolCall: () => nothingMeasured,
  toolCallSettled: () => undefined,
  agentEnded: () => undefined,
  requestDecided: () => undefined,
  agentRunEnded: () => undefined,
  slackCall: () => undefined,
  slackRateLimited: () => undefined,
  slackPaced: () => undefined,
  firstFeedback: () => undefined,
  firstReply: () => undefined,
};

/** Every call goes to each of `parts`, in order; one that throws does not stop the others. */
export function fanOutTelemetry(parts: Telemetry[]): Telemetry {
  const each = (call: (part: Telemetry) => void) => {
    for (const part of parts) {
      try {
        call(part);
      } catch {
        // Telemetry never breaks the work it measures.
      }
    }
  };
  const measureAll = <Result>(start: (part: Telemetry) => Measurement<Result>): Measurement<Result> => {
    const measurements: Measurement<Result>[] = [];
    each((part) => measurements.push(start(part)));
    return {
      end: (result) => {
        for (const measurement of measurements) safely(() => measurement.end(result));
      },
      fail: (errorType) => {
        for (const measurement of measurements) safely(() => measurement.fail(errorType));
      },
    };
  };
  return {
    sessionStarted: (surface) => each((part) => part.sessionStarted(surface)),
    stepStarted: (agent, kind) => each((part) => part.stepStarted(agent, kind)),
    modelCall: (agent, call) => measureAll((part) => part.modelCall(agent, call)),
    toolCall: (agent, call) => measureAll((part) => part.toolCall(agent, call)),
    toolCallSettled: (agent, call) => each((part) => part.toolCallSettled(agent, call)),
    agentEnded: (agent, outcome) => each((part) => part.agentEnded(agent, outcome)),
    requestDecided: (request) => each((part) => part.requestDecided(request)),
    agentRunEnded: (agentId) => each((part) => part.agentRunEnded(agentId)),
    slackCall: (method, outcome, seconds) => each((part) => part.slackCall(method, outcome, seconds)),
    slackRateLimited: (method, retryAfter) => each((part) => part.slackRateLimited(method, retryAfter)),
    slackPaced: (method, waited) => each((part) => part.slackPaced(method, waited)),
    firstFeedback: (surface, seconds) => each((part) => part.firstFeedback(surface, seconds)),
    firstReply: (surface, seconds) => each((part) => part.firstReply(surface, seconds)),
  };
}

function safely(call: () => void): void {
  try {
    call();
  } catch {
    // As above: never break the measured work.
  }
}
