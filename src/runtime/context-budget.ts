import { latestUsage } from "../adapters/database/usage.ts";
import { isSummaryMessage, type NumberedMessage } from "../domain/compaction.ts";
import { contextShares, estimateMessageTokens, promptTokensOf } from "../domain/context-window.ts";
import type { ChatMessage } from "../domain/messages.ts";
import { contextWindowOf } from "../domain/pricing.ts";
import { parseModel } from "./agent-lifecycle.ts";
import type { RuntimeKernel } from "./kernel.ts";

/** The context window of an agent's model (`provider:model`), in tokens. */
export function contextWindowFor(kernel: RuntimeKernel, model: string): number {
  return contextWindowOf(parseModel(model), kernel.config.contextWindows);
}

/**
 * The next prompt's size in tokens. First the cheap estimate, characters / 4 of everything;
 * when that comes near the compaction threshold, the provider's own count of the last turn
 * (prompt and output) plus characters / 4 of what was added since. The count only applies
 * when the newest model call was that turn: a compaction since has changed the prompt.
 */
export async function estimatePromptTokens(
  kernel: RuntimeKernel,
  agentId: string,
  entries: readonly NumberedMessage[],
  view: readonly ChatMessage[],
  prefixTokens: number,
  windowTokens: number,
): Promise<number> {
  const rough = prefixTokens + estimateMessageTokens(view);
  if (rough < (windowTokens * contextShares.compactAbove) / 2) return rough;
  const newest = entries.findLast(
    (entry) => entry.message.role === "assistant" || isSummaryMessage(entry.message),
  );
  if (!newest || isSummaryMessage(newest.message)) return rough;
  const usage = await latestUsage(kernel.db, agentId);
  const counted = usage ? promptTokensOf(usage) + usage.outputTokens : 0;
  // Servers that report no usage (some local ones) leave only the estimate.
  if (counted === 0) return rough;
  const added = entries
    .filter((entry) => entry.seq > newest.seq && !isSummaryMessage(entry.message))
    .map((entry) => entry.message);
  return counted + estimateMessageTokens(added);
}
