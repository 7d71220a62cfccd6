import type { Usage } from "../messages.ts";

/** Escapes the three characters Slack's mrkdwn treats as markup. */
export function escapeText(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

export function truncate(text: string, maximum: number): string {
  return text.length <= maximum ? text : `${text.slice(0, maximum - 1)}…`;
}

export function formatCost(costMicros: number): string {
  const dollars = costMicros / 1_000_000;
  return dollars >= 1 ? `$${dollars.toFixed(2)}` : `$${dollars.toFixed(4)}`;
}

export function totalTokens(usage: Usage): number {
  return usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}

export function formatTokens(count: number): string {
  if (count >= 1_000_000) return `${(count / 1_000_000).toFixed(1)}M tokens`;
  if (count >= 1_000) return `${(count / 1_000).toFixed(1)}k tokens`;
  return `${count} tokens`;
}

export function formatElapsed(start: Date | null, end: Date | null, now: Date): string {
  if (start === null) return "not started";
  const seconds = Math.max(0, Math.round(((end ?? now).getTime() - start.getTime()) / 1000));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, "0")}m`;
  if (minutes > 0) return `${minutes}m ${String(rest).padStart(2, "0")}s`;
  return `${rest}s`;
}

/** A Slack date token: readers see the time in their own zone; `fallback` is shown where tokens are not rendered. */
export function slackDate(date: Date): string {
  const seconds = Math.floor(date.getTime() / 1000);
  return `<!date^${seconds}^{date_short_pretty} at {time}|${date.toISOString()}>`;
}

const broadcastPattern = /<!(channel|here|everyone)(\|[^>]*)?>|<!subteam\^[A-Z0-9]+(\|([^>]*))?>/g;

/**
 * Model output must never notify a whole channel or a user group: `<!here>`,
 * `<!channel>`, `<!everyone>` and `<!subteam^…>` become plain text.
 */
export function neutralizeBroadcasts(text: string): string {
  return text.replace(
    broadcastPattern,
    (
      _match,
      name: string | undefined,
      _label: unknown,
      _groupPart: unknown,
      groupLabel: string | undefined,
    ) => (name ? `@${name}` : `@${groupLabel?.replace(/^@/, "") || "group"}`),
  );
}

/**
 * Splits streamed text where it is safe to send: a trailing `<…` without its `>` may be the
 * start of a mention, so it waits for the next piece.
 */
export function splitAtSafeEnd(text: string): { ready: string; rest: string } {
  const open = text.lastIndexOf("<");
  if (open === -1 || text.indexOf(">", open) !== -1 || text.length - open > 120)
    return { ready: text, rest: "" };
  return { ready: text.slice(0, open), rest: text.slice(open) };
}
