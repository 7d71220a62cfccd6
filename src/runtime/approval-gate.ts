import type { AgentRow } from "../adapters/database/agents.ts";
import { findRequestForToolCall, listApprovalRules } from "../adapters/database/requests.ts";
import {
  actionHash,
  buildApprovalAction,
  exactActionText,
  parseApprovalAction,
  visibleText,
} from "../domain/approval-action.ts";
import { isShortEnoughToReview } from "../domain/approval-review.ts";
import { isAllowedByRules, rulePatternOf } from "../domain/approval-rules.ts";
import { type AnyTool, parseWorkspace, type ToolCallScope } from "../domain/tool.ts";
import type { RuntimeKernel } from "./kernel.ts";
import type { ToolOutcome } from "./step-outcome.ts";
import { waitForHuman } from "./waits.ts";

/** Where a risky call stands: allowed to run, waiting for a human, or refused with this outcome. */
type GateResult = "allowed" | "wait" | ToolOutcome;

function refused(output: string, status: ToolOutcome["status"]): ToolOutcome {
  return { output, isError: true, status };
}

/** The description's first 300 characters (whole code points), invisible ones written out. */
function promptPreview(description: string): string {
  const characters = [...description];
  const cut = characters.length > 300 ? `${characters.slice(0, 299).join("")}…` : description;
  return visibleText(cut).text;
}

/**
 * Asks a human before a risky call runs, unless an "Always allow" rule of the session is
 * this exact action and the deployment allows such rules (not with the sandbox off: rules
 * stored before it was turned off are ignored too). An approval is bound to the input's
 * hash: the call runs only if the input it would run with is the one the approver saw.
 */
export async function approvalGate(
  kernel: RuntimeKernel,
  agent: AgentRow,
  call: { id: string },
  tool: AnyTool,
  input: unknown,
  scope: ToolCallScope,
): Promise<GateResult> {
  const allowAlways = kernel.config.approvals.alwaysAllow && (tool.allowAlways?.(input, scope) ?? true);
  if (allowAlways) {
    const rules = await listApprovalRules(kernel.db, agent.sessionId);
    if (isAllowedByRules(rules, tool.name, input)) return "allowed";
  }
  const existing = await findRequestForToolCall(kernel.db, agent.id, call.id);
  if (!existing || existing.status === "pending") {
    const description = (await tool.describe?.(input, scope)) ?? tool.name;
    const workspace = parseWorkspace(agent.workspace);
    const action = buildApprovalAction({
      tool: tool.name,
      input: (input ?? {}) as Record<string, unknown>,
      description,
      repo: workspace?.repoName ?? null,
      branch: workspace?.branch ?? null,
      ...(allowAlways ? {} : { allowAlways: false }),
    });
    // The approver must see every character; what is too long to read in full is refused before anyone is asked.
    if (!existing && !isShortEnoughToReview(action)) {
      const length = exactActionText(action).main.length;
      return refused(
        `This ${tool.name} input is ${length} characters long, too long for an approver to review in full. ` +
          "Nothing ran and nobody was asked. Put the logic in a file (write_file) and run that file with a short command.",
        "rejected",
      );
    }
    await waitForHuman(kernel, agent, {
      kind: "approval",
      toolCallId: call.id,
      prompt: `${agent.title} wants to: ${promptPreview(description)}`,
      action,
      pattern: rulePatternOf(input),
    });
    return "wait";
  }
  if (existing.status !== "approved") {
    const who = existing.decidedBy ?? "the user";
    return refused(
      existing.status === "denied"
        ? `Denied by ${who}: the user did not allow this action (${tool.name}). Do not retry it; find another way or explain in your summary.`
        : "The approval request was withdrawn; the action did not run.",
      "denied",
    );
  }
  const approved = parseApprovalAction(existing.action);
  // What the approver saw (the stored input) and what would run must both hash to the approved hash.
  const hash = actionHash(tool.name, input);
  if (
    !approved ||
    approved.tool !== tool.name ||
    approved.inputHash !== hash ||
    actionHash(approved.tool, approved.input) !== hash
  ) {
    return refused(
      "The approval does not match this call's exact input, so it did not run. Ask again with the exact action.",
      "denied",
    );
  }
  return "allowed";
}
