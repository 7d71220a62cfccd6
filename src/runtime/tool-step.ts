import { appendStepMessage, persistStep } from "../adapters/database/agent-steps.ts";
import type { AgentRow } from "../adapters/database/agents.ts";
import { findRequestForToolCall } from "../adapters/database/requests.ts";
import {
  finishToolCall,
  getToolCall,
  startToolCall,
  type ToolCallRow,
} from "../adapters/database/tool-calls.ts";
import { errorMessage, StepConflictError } from "../domain/errors.ts";
import type { ToolCallPart } from "../domain/messages.ts";
import { redactSecrets } from "../domain/secret-redaction.ts";
import { type AnyTool, parseWorkspace, riskOf, type ToolRisk } from "../domain/tool.ts";
import { capToolOutput } from "../domain/tool-output.ts";
import type { AgentServices, AgentToolContext } from "../tools/agent/agent-tool-context.ts";
import { afterAgentEnded, notifyParent } from "./agent-lifecycle.ts";
import { ensureRunning } from "./agent-status.ts";
import { approvalGate } from "./approval-gate.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { finalizeResult, type StepOutcome } from "./model-step.ts";
import { agentSnapshot } from "./snapshots.ts";
import { waitForHuman } from "./waits.ts";

export const interruptedMessage =
  "This tool call was interrupted by a restart; it may or may not have taken effect. Check before retrying.";

export type QuestionTool = AnyTool & {
  question?: (input: unknown) => { prompt: string; choices: string[] | null };
};

export interface ToolOutcome {
  output: string;
  isError: boolean;
  status: "finished" | "failed" | "interrupted" | "denied" | "rejected";
}

/** Persists the result with the audit row in one step; a finished worker ends here too. */
async function persistResult(
  kernel: RuntimeKernel,
  agent: AgentRow,
  seq: number,
  call: ToolCallPart,
  risk: ToolRisk,
  outcome: ToolOutcome,
  finishedSummary: string | undefined,
): Promise<StepOutcome> {
  // Command output may print a secret the sandbox could not hide: it is stored and shown redacted.
  const output = redactSecrets(outcome.output);
  const result =
    finishedSummary === undefined ? undefined : await finalizeResult(kernel, agent, finishedSummary);
  const { agent: persisted } = await persistStep(
    kernel.db,
    agent.id,
    agent.step,
    result ? { status: "done", result, finishedAt: kernel.now() } : {},
    async (transaction, row) => {
      await appendStepMessage(transaction, row, seq, {
        role: "user",
        parts: [
          {
            type: "tool_result",
            toolCallId: call.id,
            toolName: call.name,
            // The model sees a bounded result; the audit row below keeps all of it.
            content: capToolOutput(output, kernel.options.maxToolResultCharacters, call.id),
            isError: outcome.isError,
          },
        ],
      });
      await finishToolCall(
        transaction,
        {
          agentId: row.id,
          toolCallId: call.id,
          sessionId: row.sessionId,
          toolName: call.name,
          input: call.input ?? {},
          risk,
        },
        { status: outcome.status, output, isError: outcome.isError },
      );
      if (result) await notifyParent(transaction, row, "agent-finished", { summary: result.summary });
    },
  );
  if (result) {
    kernel.emit({
      type: "agent-finished",
      sessionId: persisted.sessionId,
      agent: agentSnapshot(persisted),
      summary: result.summary,
    });
    await afterAgentEnded(kernel, persisted);
    return "stop";
  }
  return "continue";
}

/** A call with an audit row is never run again: its recorded outcome (or "interrupted") is the result. */
async function replayAudit(
  kernel: RuntimeKernel,
  running: AgentRow,
  seq: number,
  call: ToolCallPart,
  audit: ToolCallRow,
): Promise<StepOutcome> {
  const outcome: ToolOutcome =
    audit.status === "started"
      ? { output: interruptedMessage, isError: true, status: "interrupted" }
      : {
          output: audit.output ?? "",
          isError: audit.isError,
          status: audit.status,
        };
  // The audit row keeps its own risk; this one only fills a row that would be missing.
  const risk: ToolRisk = audit.risk === "risky" ? "risky" : "safe";
  return persistResult(kernel, running, seq, call, risk, outcome, undefined);
}

/**
 * One tool call of the last assistant message. The audit row is committed before the
 * tool runs, so a crash leaves `started` behind and the call is reported as interrupted
 * instead of run again.
 */
export async function toolStep(
  kernel: RuntimeKernel,
  agent: AgentRow,
  seq: number,
  call: ToolCallPart,
  tools: AnyTool[],
  makeServices: (agent: AgentRow, onFinish: (summary: string) => void) => AgentServices,
  signal: AbortSignal,
): Promise<StepOutcome> {
  const known = tools.find((candidate) => candidate.name === call.name) as QuestionTool | undefined;
  const checked = known?.input.safeParse(call.input ?? {});
  // A safe call that needs nobody skips this read: inserting its `started` row below finds
  // an existing audit row just as well, and then the call is replayed, not run.
  const scope = {
    sessionId: agent.sessionId,
    agentId: agent.id,
    repoName: parseWorkspace(agent.workspace)?.repoName,
  };
  const direct =
    known && !known.question && checked?.success && riskOf(known, checked.data, scope) === "safe";
  const audit = direct ? undefined : await getToolCall(kernel.db, agent.id, call.id);
  if (audit) {
    const running = await ensureRunning(kernel, agent);
    if (!running) return "stop";
    return replayAudit(kernel, running, seq, call, audit);
  }

  const tool = tools.find((candidate) => candidate.name === call.name) as QuestionTool | undefined;
  if (!tool) {
    const running = await ensureRunning(kernel, agent);
    if (!running) return "stop";
    const known = tools.map((candidate) => candidate.name).join(", ");
    const output = `Unknown tool "${call.name}". Available tools: ${known}.`;
    return persistResult(
      kernel,
      running,
      seq,
      call,
      "safe",
      { output, isError: true, status: "rejected" },
      undefined,
    );
  }
  const parsed = tool.input.safeParse(call.input ?? {});
  if (!parsed.success) {
    const running = await ensureRunning(kernel, agent);
    if (!running) return "stop";
    const output = `Invalid input for ${call.name}: ${parsed.error.message}`;
    return persistResult(
      kernel,
      running,
      seq,
      call,
      "safe",
      { output, isError: true, status: "rejected" },
      undefined,
    );
  }
  const input = parsed.data;
  const risk = riskOf(tool, input, scope);

  let answer: string | undefined;
  if (tool.question) {
    const existing = await findRequestForToolCall(kernel.db, agent.id, call.id);
    if (!existing || existing.status === "pending") {
      const question = tool.question(input);
      await waitForHuman(kernel, agent, {
        kind: "question",
        toolCallId: call.id,
        prompt: question.prompt,
        choices: question.choices,
      });
      return "stop";
    }
    if (existing.status !== "answered") {
      const running = await ensureRunning(kernel, agent);
      if (!running) return "stop";
      const output = "The question was withdrawn before anyone answered.";
      return persistResult(
        kernel,
        running,
        seq,
        call,
        risk,
        { output, isError: true, status: "rejected" },
        undefined,
      );
    }
    answer = existing.answer ?? "";
  }

  if (risk === "risky") {
    const gate = await approvalGate(kernel, agent, call, tool, input, scope);
    if (gate === "wait") return "stop";
    if (gate !== "allowed") {
      const running = await ensureRunning(kernel, agent);
      if (!running) return "stop";
      return persistResult(kernel, running, seq, call, risk, gate, undefined);
    }
  }

  const running = await ensureRunning(kernel, agent);
  if (!running) return "stop";
  const startedCall = await startToolCall(kernel.db, {
    agentId: running.id,
    toolCallId: call.id,
    sessionId: running.sessionId,
    toolName: call.name,
    input: call.input ?? {},
    risk,
  });
  const { started, toolCall } = startedCall;
  if (!started) {
    if (direct) return replayAudit(kernel, running, seq, call, toolCall);
    throw new StepConflictError(running.id, running.step);
  }

  let finishedSummary: string | undefined;
  const context: AgentToolContext = {
    sessionId: running.sessionId,
    agentId: running.id,
    toolCallId: call.id,
    signal,
    workspace: parseWorkspace(running.workspace),
    answer,
    services: makeServices(running, (summary) => {
      finishedSummary = summary;
    }),
  };
  let outcome: ToolOutcome;
  try {
    outcome = { output: await tool.execute(input, context), isError: false, status: "finished" };
  } catch (error) {
    // Tool errors go back to the model; only our own failures (the database) end a run.
    outcome = { output: errorMessage(error), isError: true, status: "failed" };
    finishedSummary = undefined;
  }
  return persistResult(kernel, running, seq, call, risk, outcome, finishedSummary);
}
