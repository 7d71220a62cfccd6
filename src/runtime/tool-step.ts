import type { AgentRow } from "../adapters/database/agents.ts";
import type { ToolCallPart } from "../domain/messages.ts";
import type { AnyTool } from "../domain/tool.ts";
import { ensureRunning } from "./agent-status.ts";
import { approvalGate } from "./approval-gate.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { questionGate } from "./question-gate.ts";
import { type ResolvedToolCall, resolveToolCall } from "./resolve-tool-call.ts";
import { type RunOptions, runToolCall } from "./run-tool-call.ts";
import type { SettledToolCall, StepOutcome, ToolOutcome } from "./step-outcome.ts";
import { persistToolResult } from "./tool-result.ts";

/**
 * One tool call of the last assistant message: resolve (tool, input, audit row), gate
 * (a person's answer, then approval for a risky call), run. A call is never run twice:
 * one with an audit row is replayed, and the row is committed before the tool runs.
 */
export async function toolStep(
  kernel: RuntimeKernel,
  agent: AgentRow,
  seq: number,
  call: ToolCallPart,
  tools: AnyTool[],
  makeServices: RunOptions["makeServices"],
  signal: AbortSignal,
): Promise<StepOutcome> {
  const resolved = await resolveToolCall(kernel, agent, call, tools);
  if ("outcome" in resolved) return settle(kernel, agent, seq, call, resolved);
  const gate = await gateToolCall(kernel, agent, call, resolved);
  if (gate === "wait") return "stop";
  if (!("answer" in gate)) return settle(kernel, agent, seq, call, { risk: resolved.risk, outcome: gate });
  const running = await ensureRunning(kernel, agent);
  if (!running) return "stop";
  return runToolCall(kernel, running, seq, call, resolved, { answer: gate.answer, makeServices, signal });
}

/** Question first, then approval for a risky call: either may make the step wait or refuse the call. */
async function gateToolCall(
  kernel: RuntimeKernel,
  agent: AgentRow,
  call: ToolCallPart,
  { tool, input, scope, risk, question }: ResolvedToolCall,
): Promise<{ answer: string | undefined } | "wait" | ToolOutcome> {
  const asked = question ? await questionGate(kernel, agent, call, question, input) : { answer: undefined };
  if (asked === "wait" || !("answer" in asked)) return asked;
  if (risk === "risky") {
    const approval = await approvalGate(kernel, agent, call, tool, input, scope);
    if (approval !== "allowed") return approval;
  }
  return asked;
}

/** Stores the result of a call that did not run now; a queued worker waits for its slot first. */
async function settle(
  kernel: RuntimeKernel,
  agent: AgentRow,
  seq: number,
  call: ToolCallPart,
  settled: SettledToolCall,
): Promise<StepOutcome> {
  const running = await ensureRunning(kernel, agent);
  if (!running) return "stop";
  return persistToolResult(kernel, running, seq, call, settled);
}
