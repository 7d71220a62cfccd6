import { z } from "zod";
import { defineTool } from "../../src/domain/tool.ts";
import type { SurfaceEvent } from "../../src/runtime/surface-port.ts";
import {
  errorResponse,
  type FakeLlmRequest,
  type FakeLlmResponse,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { briefOf, isSupervisorRequest } from "./runtime-harness.ts";

/** What goes wrong in one script, at one agent's model call (`turn`: how many turns it had before). */
export type Fault =
  | { kind: "server-error-past-retries"; role: "supervisor" | "worker"; turn: number }
  | { kind: "overloaded-then-recovers"; role: "supervisor" | "worker"; turn: number }
  | { kind: "client-error"; role: "supervisor" | "worker"; turn: number }
  | { kind: "malformed"; role: "supervisor" | "worker"; turn: number }
  | { kind: "empty-turn"; role: "supervisor" | "worker"; turn: number }
  | { kind: "tool-crash" }
  /** The instance dies (in-process: abandoned) or is stopped while this call is in flight. */
  | { kind: "sigkill" | "sigterm"; role: "supervisor" | "worker"; turn: number };

/** One person's turn: the supervisor answers directly, after a tool, or after one sub-agent. */
export interface FaultScript {
  index: number;
  provider: "anthropic" | "openai";
  shape: "direct" | "tool" | "worker";
  faults: Fault[];
}

/** The provider's attempts per call in these tests: a server error this many times fails the call. */
export const attemptsPerCall = 2;

/** A small seeded generator (mulberry32), so a failing seed replays the same scripts. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const callFaults = [
  "server-error-past-retries",
  "overloaded-then-recovers",
  "client-error",
  "malformed",
  "empty-turn",
] as const;

/** Turns each agent of a shape takes when nothing goes wrong. */
function turnsOf(shape: FaultScript["shape"], role: "supervisor" | "worker"): number {
  if (role === "worker") return shape === "worker" ? 2 : 0;
  return shape === "direct" ? 1 : shape === "tool" ? 2 : 3;
}

/**
 * `count` scripts from `seed`: each has one or two faults; about one in `instanceEvery` has the
 * instance killed or stopped during one of its calls (those run alone, see the test).
 */
export function generateScripts(seed: number, count: number, instanceEvery = 8): FaultScript[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const scripts: FaultScript[] = [];
  for (let index = 0; index < count; index += 1) {
    const shape = pick(["direct", "tool", "worker"] as const);
    const roles = shape === "worker" ? (["supervisor", "worker"] as const) : (["supervisor"] as const);
    const faults: Fault[] = [];
    const at = () => {
      const role = pick(roles);
      return { role, turn: Math.floor(random() * turnsOf(shape, role)) };
    };
    if (index % instanceEvery === instanceEvery - 1) {
      const kind = Math.floor(index / instanceEvery) % 2 === 0 ? "sigkill" : "sigterm";
      faults.push({ kind, ...at() });
    }
    const more = 1 + Math.floor(random() * 2);
    for (let fault = 0; fault < more; fault += 1) {
      if (shape !== "direct" && random() < 0.2) faults.push({ kind: "tool-crash" });
      else faults.push({ kind: pick(callFaults), ...at() });
    }
    scripts.push({ index, provider: random() < 0.5 ? "anthropic" : "openai", shape, faults });
  }
  return scripts;
}

export function describeScript(script: FaultScript): string {
  const faults = script.faults.map((fault) =>
    "role" in fault ? `${fault.kind}@${fault.role}#${fault.turn}` : fault.kind,
  );
  return `script ${script.index}: ${script.provider}, ${script.shape}, ${faults.join(", ")}`;
}

export const scriptTag = (index: number) => `[script ${index}]`;

/** The script a request belongs to: its session's first message (or a worker's brief) carries the tag. */
export function scriptIndexOf(text: string): number | undefined {
  const match = /\[script (\d+)\]/.exec(text);
  return match ? Number(match[1]) : undefined;
}

export function instanceFaultOf(
  script: FaultScript,
): Extract<Fault, { kind: "sigkill" | "sigterm" }> | undefined {
  return script.faults.find(
    (fault): fault is Extract<Fault, { kind: "sigkill" | "sigterm" }> =>
      fault.kind === "sigkill" || fault.kind === "sigterm",
  );
}

/** The supervisor's and the worker's answers when nothing goes wrong. */
function normalResponse(script: FaultScript, request: FakeLlmRequest): FakeLlmResponse {
  const tag = scriptTag(script.index);
  if (!isSupervisorRequest(request)) {
    if (request.turnIndex === 0)
      return toolCallResponse([{ name: "probe", input: { script: script.index } }]);
    return textResponse(`Worker of ${tag} is done.`);
  }
  if (request.turnIndex === 0 && script.shape === "tool") {
    return toolCallResponse([{ name: "probe", input: { script: script.index } }]);
  }
  if (request.turnIndex === 0 && script.shape === "worker") {
    return toolCallResponse([
      { name: "spawn_agent", input: { title: `Worker ${script.index}`, brief: `${tag} probe once` } },
    ]);
  }
  return textResponse(`Answer for ${tag} after ${request.turnIndex} turns.`);
}

/**
 * The fake model for a set of scripts. A fault fires at the first request of its agent's turn
 * (a server error for as many attempts as the provider makes); `onInstanceFault` is called when a
 * kill or stop should land, and that call is held until the dying instance lets go of it.
 */
export function faultResponder(
  scripts: readonly FaultScript[],
  onInstanceFault: (kind: "sigkill" | "sigterm", script: FaultScript) => void,
): (request: FakeLlmRequest) => FakeLlmResponse {
  const seen = new Map<string, number>();
  return (request) => {
    const supervisor = isSupervisorRequest(request);
    const index = scriptIndexOf(supervisor ? (request.messages[0]?.text ?? "") : briefOf(request));
    const script = index === undefined ? undefined : scripts[index];
    if (!script) return errorResponse(400, { message: "no script for this request" });
    const role = supervisor ? "supervisor" : "worker";
    const key = `${script.index}:${role}:${request.turnIndex}`;
    const attempt = (seen.get(key) ?? 0) + 1;
    seen.set(key, attempt);
    const fault = script.faults.find(
      (item) => "role" in item && item.role === role && item.turn === request.turnIndex,
    );
    if (fault && "role" in fault) {
      switch (fault.kind) {
        case "server-error-past-retries":
          if (attempt <= attemptsPerCall) return errorResponse(500, { message: "scripted outage" });
          break;
        case "overloaded-then-recovers":
          if (attempt === 1) return errorResponse(529, { retryAfterMs: 1 });
          break;
        case "client-error":
          if (attempt === 1) return errorResponse(400, { message: "scripted bad request" });
          break;
        case "malformed":
          if (attempt === 1) return { malformed: true };
          break;
        case "empty-turn":
          if (attempt === 1) return {};
          break;
        case "sigkill":
        case "sigterm":
          if (attempt === 1) {
            onInstanceFault(fault.kind, script);
            // The dying instance aborts this call; the next one asks again.
            return { ...normalResponse(script, request), delayMs: 60_000 };
          }
          break;
      }
    }
    return normalResponse(script, request);
  };
}

/** The tool the scripts call; it throws for a script with a tool crash. */
export function probeTool(scripts: readonly FaultScript[]) {
  return defineTool({
    name: "probe",
    description: "Probe something.",
    input: z.object({ script: z.number() }),
    risk: "safe",
    async execute(input) {
      const script = scripts[input.script];
      if (script?.faults.some((fault) => fault.kind === "tool-crash")) throw new Error("probe crashed");
      return "probe ok";
    },
  });
}

/** What a person sees as the end of their turn in the thread. */
export function isOutcome(event: SurfaceEvent): boolean {
  if (event.type === "reply-completed") return event.final === true && event.text.trim() !== "";
  return (
    event.type === "turn-failed" ||
    event.type === "question-asked" ||
    event.type === "approval-requested" ||
    event.type === "budget-reached"
  );
}

/**
 * The supervisor's part of the thread's status ("is thinking…", `processing`): set while it
 * writes, cleared when it rests or fails. Workers' part follows their rows, all ended by then.
 */
export function statusOf(event: SurfaceEvent): "working" | "rested" | undefined {
  if (event.type === "reply-delta") return "working";
  if (event.type === "session-idle" || event.type === "turn-failed") return "rested";
  if (event.type === "agent-failed" && event.agent.role === "supervisor") return "rested";
  return undefined;
}
