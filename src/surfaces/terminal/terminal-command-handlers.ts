import { counted } from "../../domain/plural.ts";
import { numberedWorkers } from "../../domain/steer-address.ts";
import type { TerminalCommand } from "./terminal-commands.ts";
import type { TerminalConversation } from "./terminal-conversation.ts";
import { steerLine } from "./terminal-render.ts";

/** What a command handler needs besides its command: the conversation and where lines go. */
export interface CommandContext {
  conversation: TerminalConversation;
  line: (text: string) => void;
  /** The supervisor takes a turn: the spinner says so. */
  thinking: () => void;
}

type DecisionCommand = Extract<TerminalCommand, { type: "answer" | "approval" | "budget" }>;

function decisionInput(command: DecisionCommand, requestId: string, userId: string) {
  if (command.type === "answer") return { type: "answer" as const, requestId, userId, answer: command.text };
  if (command.type === "approval") {
    return { type: "approval-decision" as const, requestId, userId, decision: command.decision };
  }
  return { type: "budget-decision" as const, requestId, userId, decision: command.decision };
}

/** Answers a question, or decides an approval or a budget, by its number. */
export async function decide(command: DecisionCommand, { conversation, line }: CommandContext) {
  const requestId = conversation.requestId(command.number);
  if (!requestId) return line(`No request #${command.number}.`);
  const input = decisionInput(command, requestId, conversation.userId);
  const outcome = await conversation.runtime.handle(input);
  if (outcome.type !== "decision") return;
  if (!outcome.outcome.ok) return line(`Not done: ${outcome.outcome.reason}.`);
  if (input.type === "approval-decision" && input.decision === "always_allow") {
    if (outcome.outcome.request.decision !== "always_allow") {
      line(
        `"Always allow" is not offered for #${command.number}: approved this once; it asks again next time.`,
      );
    }
  }
}

export async function decidePlan(
  command: Extract<TerminalCommand, { type: "plan" }>,
  { conversation, line }: CommandContext,
) {
  const requestId = conversation.requestId(command.number);
  if (!requestId) return line(`No request #${command.number}.`);
  const { decision, text } = command;
  const outcome = await conversation.runtime.handle({
    type: "plan-decision",
    requestId,
    userId: conversation.userId,
    decision,
    text,
  });
  if (outcome.type === "decision" && !outcome.outcome.ok) line(`Not done: ${outcome.outcome.reason}.`);
}

export async function steer(
  command: Extract<TerminalCommand, { type: "steer" }>,
  { conversation, line }: CommandContext,
): Promise<void> {
  const id = await conversation.ensureSession();
  const agents = await conversation.listAgents();
  const worker = numberedWorkers(agents).find((item) => item.number === command.number);
  if (!id || !worker) return line(`No agent #${command.number}; /agents lists them.`);
  const outcome = await conversation.runtime.handle({
    type: "steer",
    sessionId: id,
    agentId: worker.agent.id,
    userId: conversation.userId,
    text: command.text,
  });
  if (outcome.type === "steer") line(steerLine(outcome.result, command.number));
}

/** Cancels the session's work, or one agent by its number or id. */
export async function cancel(
  command: Extract<TerminalCommand, { type: "cancel" }>,
  { conversation, line }: CommandContext,
): Promise<void> {
  const id = await conversation.ensureSession();
  if (!id) return line("No session yet.");
  const agents = await conversation.listAgents();
  const byNumber = command.agent && /^\d+$/.test(command.agent) ? agents[Number(command.agent)] : undefined;
  const agentId = byNumber?.id ?? command.agent;
  const outcome = await conversation.runtime.handle({
    type: "cancel",
    sessionId: id,
    userId: conversation.userId,
    agentId,
  });
  if (outcome.type === "cancelled") line(`Cancelled ${counted(outcome.agentIds.length, "agent")}.`);
}

export async function retry({ conversation, line, thinking }: CommandContext): Promise<void> {
  const id = await conversation.ensureSession();
  const outcome = id
    ? await conversation.runtime.handle({ type: "retry", sessionId: id, userId: conversation.userId })
    : undefined;
  if (outcome?.type === "retry" && outcome.outcome === "retried") thinking();
  else {
    line(`Nothing to retry${outcome?.type === "retry" ? ` (${outcome.outcome.replaceAll("_", " ")})` : ""}.`);
  }
}
