import { type AgentRow, getAgent } from "../adapters/database/agents.ts";
import { startToolCall } from "../adapters/database/tool-calls.ts";
import { AgentCancelled, cancelledToolResult } from "../domain/agent-cancellation.ts";
import type { CheckOutcome } from "../domain/environment.ts";
import { errorMessage, errorType, StepConflictError, ToolError } from "../domain/errors.ts";
import type { ToolCallPart } from "../domain/messages.ts";
import { parseWorkspace } from "../domain/tool.ts";
import type { AgentServices, AgentToolContext } from "../tools/agent/agent-tool-context.ts";
import type { ElicitingCall } from "./elicitation.ts";
import type { RuntimeKernel } from "./kernel.ts";
import type { ResolvedToolCall } from "./resolve-tool-call.ts";
import { throwIfInterruptedByShutdown } from "./shutdown-interruption.ts";
import { telemetryAgent } from "./snapshots.ts";
import type { StepOutcome, ToolOutcome } from "./step-outcome.ts";
import { persistToolResult, replayOf } from "./tool-result.ts";

export interface RunOptions {
  /** The person's answer, for a tool that asked a question. */
  answer: string | undefined;
  makeServices: (
    agent: AgentRow,
    onFinish: (summary: string, check?: CheckOutcome) => void,
    call: ElicitingCall,
  ) => AgentServices;
  signal: AbortSignal;
}

/**
 * Runs a call that passed its gate. Its `started` audit row is committed before the tool
 * runs, so a crash leaves `started` behind and the call is reported as interrupted instead
 * of run again.
 */
export async function runToolCall(
  kernel: RuntimeKernel,
  running: AgentRow,
  seq: number,
  call: ToolCallPart,
  { tool, input, risk, direct }: ResolvedToolCall,
  { answer, makeServices, signal }: RunOptions,
): Promise<StepOutcome> {
  const { started, toolCall } = await startToolCall(kernel.db, {
    agentId: running.id,
    toolCallId: call.id,
    sessionId: running.sessionId,
    toolName: call.name,
    input: call.input ?? {},
    risk,
  });
  if (!started) {
    // A direct call did not read its audit row before: finding one now means it is replayed.
    if (direct) return persistToolResult(kernel, running, seq, call, replayOf(toolCall));
    throw new StepConflictError(running.id, running.step);
  }

  let finishedSummary: string | undefined;
  let finishedCheck: CheckOutcome | undefined;
  // A server's question can outlive its call (the server gave up waiting): the call's end withdraws it.
  const callEnded = new AbortController();
  const context: AgentToolContext = {
    sessionId: running.sessionId,
    agentId: running.id,
    toolCallId: call.id,
    signal,
    workspace: parseWorkspace(running.workspace),
    answer,
    services: makeServices(
      running,
      (summary, check) => {
        finishedSummary = summary;
        finishedCheck = check;
      },
      { toolCallId: call.id, signal: AbortSignal.any([signal, callEnded.signal]) },
    ),
  };
  let outcome: ToolOutcome;
  const measurement = kernel.telemetry.toolCall(telemetryAgent(running), {
    id: call.id,
    name: call.name,
    ...(tool.mcpServer ? { mcpServer: tool.mcpServer } : {}),
  });
  try {
    const output = await tool.execute(input, context);
    // A tool that stops on the signal may still return what it had (a command's output so far).
    const cancelled = cancelledOutcome(signal, output);
    outcome = cancelled ?? { output, isError: false, status: "finished" };
    if (cancelled) measurement.fail("cancelled");
    else measurement.end({ status: "finished" });
  } catch (error) {
    measurement.fail(signal.aborted ? "cancelled" : errorType(error));
    // Its audit row stays `started`: the next instance tells the model it was interrupted, never reruns it.
    throwIfInterruptedByShutdown(kernel, signal, running, {
      message: "tool call interrupted by shutdown; the next instance reports it as interrupted",
      fields: { tool: call.name, toolCallId: call.id },
    });
    // Tool errors go back to the model; only our own failures (the database) end a run.
    outcome = cancelledOutcome(signal, "") ?? {
      output: errorMessage(error),
      isError: true,
      status: "failed",
    };
  }
  // A worker stopped by a person stays cancelled, even if its `finish` got through.
  if (outcome.status !== "finished") finishedSummary = undefined;
  callEnded.abort(new ToolError("The tool call ended before anyone answered."));
  // A person's answer (`ask_user`) is a decision: compactions keep it word for word.
  const options = { decision: answer !== undefined, finishedCheck };
  try {
    return await persistToolResult(kernel, running, seq, call, { risk, outcome }, finishedSummary, options);
  } catch (error) {
    if (!(error instanceof StepConflictError)) throw error;
    // Cancelling moved the worker's step; its call still gets its result, at the step it is at now.
    const current = await getAgent(kernel.db, running.id);
    if (current?.status !== "cancelled") throw error;
    await persistToolResult(kernel, current, seq, call, { risk, outcome }, undefined, options);
    // The next step answers the message's other calls, if any (`answerCallsOfCancelledWorker`).
    return "continue";
  }
}

/**
 * A call whose agent a person stopped while it ran is answered "cancelled", with who stopped
 * it: the transcript keeps a result for every call, and the call is never run again.
 */
function cancelledOutcome(signal: AbortSignal, output: string): ToolOutcome | undefined {
  if (!(signal.reason instanceof AgentCancelled)) return undefined;
  return { output: cancelledToolResult(signal.reason, output), isError: true, status: "cancelled" };
}
