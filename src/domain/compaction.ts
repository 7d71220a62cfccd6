import { contextShares, estimateMessageTokens } from "./context-window.ts";
import type { ChatMessage, MessagePart, TextPart, ToolCallPart } from "./messages.ts";
import { keptPartText, summaryText } from "./prompts/summary-prompt.ts";

/** A stored transcript message with its position. */
export interface NumberedMessage {
  seq: number;
  message: ChatMessage;
}

/** The newest compaction: the summary stored at `seq`, standing for every message up to `through`. */
interface Compaction {
  seq: number;
  through: number;
  summary: string;
}

function summaryPartOf(message: ChatMessage): (TextPart & { summarizesThrough: number }) | undefined {
  for (const part of message.parts) {
    if (part.type === "text" && part.summarizesThrough !== undefined) {
      return part as TextPart & { summarizesThrough: number };
    }
  }
  return undefined;
}

/** A message that holds a compaction's summary rather than a turn of the conversation. */
export function isSummaryMessage(message: ChatMessage): boolean {
  return summaryPartOf(message) !== undefined;
}

export function latestCompaction(entries: readonly NumberedMessage[]): Compaction | undefined {
  for (let index = entries.length - 1; index >= 0; index -= 1) {
    const entry = entries[index];
    const part = entry ? summaryPartOf(entry.message) : undefined;
    if (entry && part) return { seq: entry.seq, through: part.summarizesThrough, summary: part.text };
  }
  return undefined;
}

function turnsOf(entries: readonly NumberedMessage[]): NumberedMessage[] {
  return entries.filter((entry) => !isSummaryMessage(entry.message));
}

/** The first user message: the brief (a worker's) or the first request (a supervisor's). */
function firstInput(turns: readonly NumberedMessage[]): NumberedMessage | undefined {
  return turns.find((entry) => entry.message.role === "user");
}

/** Parts of compacted messages kept word for word: a person's or the supervisor's words, answers, denials. */
function keptParts(turns: readonly NumberedMessage[], through: number, skipSeq: number | undefined) {
  const calls = new Map<string, ToolCallPart>();
  const kept: TextPart[] = [];
  for (const entry of turns) {
    if (entry.seq > through) break;
    for (const part of entry.message.parts) {
      if (part.type === "tool_call") calls.set(part.id, part);
      if (entry.seq === skipSeq || !isVerbatim(part)) continue;
      kept.push({ type: "text", text: keptPartText(part, calls) });
    }
  }
  return kept;
}

function isVerbatim(part: MessagePart): boolean {
  return (part.type === "text" || part.type === "tool_result") && part.verbatim === true;
}

/**
 * What the model is sent: the transcript as stored, or after a compaction the first message
 * exactly as stored (so the cached prefix of system prompt, tools and brief stays byte for
 * byte the same), the decisions from the compacted turns word for word, the summary, and the
 * turns after the compaction's boundary.
 */
export function contextView(entries: readonly NumberedMessage[]): ChatMessage[] {
  const turns = turnsOf(entries);
  const compaction = latestCompaction(entries);
  if (!compaction) return turns.map((entry) => entry.message);
  const first = firstInput(turns);
  const head: ChatMessage[] = [];
  if (first && first.seq <= compaction.through) {
    const parts = first.message.parts.filter((part) => part.type === "text");
    // The turns after the first message change with every compaction; the cache can still reuse it.
    const last = parts.at(-1);
    if (last) parts[parts.length - 1] = { ...last, cacheBreakpoint: true };
    head.push({ role: "user", parts });
  }
  head.push({
    role: "user",
    parts: [...keptParts(turns, compaction.through, first?.seq), summaryText(compaction.summary)],
  });
  const rest = turns.filter((entry) => entry.seq > compaction.through).map((entry) => entry.message);
  return [...head, ...rest];
}

/** What one compaction summarises. */
interface CompactionPlan {
  /** The last seq the new summary stands for. */
  through: number;
  /** The summary it extends, if an earlier compaction made one. */
  previousSummary: string | undefined;
  /** The first message (the brief), so the summary keeps to what matters for it. */
  brief: ChatMessage | undefined;
  /** The turns to fold in: after the previous summary, up to `through`, the brief left out. */
  messages: ChatMessage[];
}

interface CompactionBudget {
  windowTokens: number;
  /** Tokens of the summarising request besides the turns: its prompt, the brief, the earlier summary. */
  overheadTokens?: number;
  /** The provider refused the prompt as too long: keep at most half of the open turns verbatim. */
  force?: boolean;
}

/**
 * Chooses the turns a compaction folds into the summary: the oldest ones, keeping the newest
 * turns verbatim up to `contextShares.keepRecent` of the window, and reading at most
 * `contextShares.summaryInput` of it in one go (the rest waits for the next compaction).
 * A boundary always falls just before an assistant message, so no tool result is separated
 * from its call. Undefined when there is nothing left to fold in.
 */
export function planCompaction(
  entries: readonly NumberedMessage[],
  budget: CompactionBudget,
): CompactionPlan | undefined {
  const turns = turnsOf(entries);
  const previous = latestCompaction(entries);
  const after = previous?.through ?? -1;
  const first = firstInput(turns);
  const open = turns.filter((entry) => entry.seq > after);
  const last = open.at(-1);
  if (!last) return undefined;

  // Candidate boundaries: folding nothing, the seq before each assistant message, and the very end.
  const sizes = open.map((entry) => estimateMessageTokens([entry.message]));
  const boundaries: Array<{ through: number; index: number }> = [{ through: after, index: 0 }];
  open.forEach((entry, index) => {
    const before = open[index - 1];
    if (index > 0 && before && entry.message.role === "assistant")
      boundaries.push({ through: before.seq, index });
  });
  boundaries.push({ through: last.seq, index: open.length });

  const tailFrom = (index: number) => sizes.slice(index).reduce((sum, size) => sum + size, 0);
  const keepTokens = Math.min(
    budget.windowTokens * contextShares.keepRecent,
    budget.force ? tailFrom(0) / 2 : Number.POSITIVE_INFINITY,
  );
  const keeping = boundaries.find((boundary) => tailFrom(boundary.index) <= keepTokens) ?? boundaries.at(-1);
  const inputTokens = budget.windowTokens * contextShares.summaryInput - (budget.overheadTokens ?? 0);
  const folded = (index: number) => open.slice(0, index).filter((entry) => entry !== first);
  const headTokens = (index: number) => estimateMessageTokens(folded(index).map((entry) => entry.message));
  // Boundaries that fold in at least one turn and keep the newest turns; the largest that fits one request.
  const usable = boundaries.filter(
    (boundary) => keeping && boundary.index <= keeping.index && folded(boundary.index).length > 0,
  );
  const chosen = usable.filter((boundary) => headTokens(boundary.index) <= inputTokens).at(-1) ?? usable[0];
  if (!chosen) return undefined;
  const messages = folded(chosen.index).map((entry) => entry.message);
  return {
    through: chosen.through,
    previousSummary: previous?.summary,
    brief: first?.message,
    messages,
  };
}

/** Tokens of a summary of at most this share of the window; its request leaves room for it. */
export function summaryOutputTokens(windowTokens: number): number {
  return Math.max(256, Math.min(4096, Math.floor(windowTokens * 0.15)));
}

/** Whether the estimated prompt calls for a compaction before the next turn. */
export function needsCompaction(estimatedPromptTokens: number, windowTokens: number): boolean {
  return estimatedPromptTokens > windowTokens * contextShares.compactAbove;
}
