import { isSummaryMessage } from "./compaction.ts";
import type { ChatMessage, MessagePart, ToolCallPart } from "./messages.ts";
import { toolCallsOf } from "./messages.ts";

/**
 * Makes a stored transcript valid for a provider: consecutive user messages merge into
 * one, with tool results first (both wire formats want results right after the call).
 */
export function normalizeTranscript(messages: readonly ChatMessage[]): ChatMessage[] {
  const result: ChatMessage[] = [];
  for (const message of messages) {
    const previous = result.at(-1);
    if (previous && previous.role === message.role && message.role === "user") {
      previous.parts = orderUserParts([...previous.parts, ...message.parts]);
    } else if (previous && previous.role === message.role) {
      previous.parts = [...previous.parts, ...message.parts];
    } else {
      result.push({ role: message.role, parts: orderUserParts([...message.parts]) });
    }
  }
  return result;
}

function orderUserParts(parts: MessagePart[]): MessagePart[] {
  const results = parts.filter((part) => part.type === "tool_result");
  const others = parts.filter((part) => part.type !== "tool_result");
  return [...results, ...others];
}

/** Tool calls of the last assistant message that have no result yet, in order. */
export function unresolvedToolCalls(messages: readonly ChatMessage[]): ToolCallPart[] {
  let lastAssistant = -1;
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    if (messages[index]?.role === "assistant") {
      lastAssistant = index;
      break;
    }
  }
  const assistant = messages[lastAssistant];
  if (!assistant) return [];
  const answered = new Set<string>();
  for (const message of messages.slice(lastAssistant + 1)) {
    for (const part of message.parts) if (part.type === "tool_result") answered.add(part.toolCallId);
  }
  return toolCallsOf(assistant).filter((call) => !answered.has(call.id));
}

type NextStep =
  | { kind: "tool"; call: ToolCallPart }
  | { kind: "drain" }
  | { kind: "turn" }
  | { kind: "rest" };

/**
 * The loop's one decision: finish the last turn's tool calls, then read the mailbox,
 * then let the model speak if the transcript ends with input for it.
 */
export function planNextStep(messages: readonly ChatMessage[], hasPendingEvents: boolean): NextStep {
  const call = unresolvedToolCalls(messages)[0];
  if (call) return { kind: "tool", call };
  if (hasPendingEvents) return { kind: "drain" };
  const last = messages.at(-1);
  if (last && last.role === "user") return { kind: "turn" };
  return { kind: "rest" };
}

/**
 * Model turns since the last message that carried new input (text, not only tool results).
 * A compaction's summary is not input: it must not reset the count.
 */
export function turnsSinceLastInput(messages: readonly ChatMessage[]): number {
  let turns = 0;
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index];
    if (message && isSummaryMessage(message)) continue;
    if (message?.role === "assistant") turns += 1;
    else if (message?.parts.some((part) => part.type === "text")) break;
  }
  return turns;
}
