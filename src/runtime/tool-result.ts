import type { AgentRow } from "../adapters/database/agents.ts";
import { finishedToolCallRow, type ToolCallRow } from "../adapters/database/tool-calls.ts";
import { toolResultCharacterCap } from "../domain/context-window.ts";
import type { CheckOutcome } from "../domain/environment.ts";
import type { ToolCallPart } from "../domain/messages.ts";
import { redactSecrets } from "../domain/secret-redaction.ts";
import { capToolOutput } from "../domain/tool-output.ts";
import { persistStepCompletingWorker } from "./complete-worker.ts";
import { contextWindowFor } from "./context-budget.ts";
import { withdrawElicitations } from "./elicitation.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { telemetryAgent } from "./snapshots.ts";
import type { SettledToolCall, StepOutcome, ToolOutcome } from "./step-outcome.ts";

const interruptedMessage =
  "This tool call was interrupted by a restart; it may or may not have taken effect. Check before retrying.";

/** A call with an audit row is never run again: its recorded outcome (or "interrupted") is the result. */
export function replayOf(audit: ToolCallRow): SettledToolCall {
  const outcome: ToolOutcome =
    audit.status === "started"
      ? { output: interruptedMessage, isError: true, status: "interrupted" }
      : { output: audit.output ?? "", isError: audit.isError, status: audit.status };
  // The audit row keeps its own risk; this one only fills a row that would be missing.
  return { risk: audit.risk === "risky" ? "risky" : "safe", outcome };
}

/**
 * Persists the result with the audit row in one step; a worker that called `finish` ends here too.
 * Every tool result reaches the transcript through here (run, replayed, refused, denied, answered),
 * so every one is capped here. A person's answer or denial is kept verbatim by compactions.
 */
export async function persistToolResult(
  kernel: RuntimeKernel,
  agent: AgentRow,
  seq: number,
  call: ToolCallPart,
  { risk, outcome }: SettledToolCall,
  finishedSummary?: string,
  options: { decision?: boolean; finishedCheck?: CheckOutcome | undefined } = {},
): Promise<StepOutcome> {
  // A call a crash interrupted may have left an MCP server's question behind: nobody may answer it now.
  if (outcome.status === "interrupted") await withdrawElicitations(kernel, agent, call.id);
  // Command output may print a secret the sandbox could not hide: it is stored and shown redacted.
  const output = redactSecrets(outcome.output);
  const cap = toolResultCharacterCap(
    kernel.options.maxToolResultCharacters,
    contextWindowFor(kernel, agent.model),
  );
  const { completed } = await persistStepCompletingWorker(kernel, agent, {
    message: {
      seq,
      message: {
        role: "user",
        parts: [
          {
            type: "tool_result",
            toolCallId: call.id,
            toolName: call.name,
            // The model sees a bounded result; the audit row below keeps all of it.
            content: capToolOutput(output, cap, call.id),
            isError: outcome.isError,
            ...(options.decision || outcome.status === "denied" ? { verbatim: true as const } : {}),
          },
        ],
      },
    },
    rows: [
      finishedToolCallRow(
        { toolCallId: call.id, toolName: call.name, input: call.input ?? {}, risk },
        { status: outcome.status, output, isError: outcome.isError },
      ),
    ],
    finishedSummary,
    finishedCheck: options.finishedCheck,
  });
  kernel.telemetry.toolCallSettled(telemetryAgent(agent), { name: call.name, status: outcome.status });
  return completed ? "stop" : "continue";
}
