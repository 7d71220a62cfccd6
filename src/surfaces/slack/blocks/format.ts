import type { Usage } from "../../../domain/messages.ts";
import { counted } from "../../../domain/plural.ts";

/**
 * Bidirectional overrides, embeddings and isolates: in a label they would reorder what follows,
 * e.g. show a link's real target backwards. Shown text never needs them.
 */
const bidiControls = /[\u202a-\u202e\u2066-\u2069]/g;

/** Escapes the three characters Slack's mrkdwn treats as markup, and drops bidi controls. */
export function escapeText(text: string): string {
  return text
    .replace(bidiControls, "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;");
}

/** Cuts already-escaped mrkdwn without splitting an entity (`&amp;`) or a surrogate pair. */
export function truncateEscaped(text: string, maximum: number): string {
  if (text.length <= maximum) return text;
  let cut = text.slice(0, maximum - 1).replace(/&[a-z#0-9]{0,4}$/, "");
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Model or user text for a mrkdwn field: escaped, then cut to `maximum` without breaking an escape. */
export function mrkdwnText(text: string, maximum = 3000): string {
  return truncateEscaped(escapeText(text), maximum);
}

/**
 * Splits raw text into escaped pieces of at most `maximum` characters each, cutting only
 * between characters of the raw text, so no escape or surrogate pair is ever split.
 */
export function splitEscaped(text: string, maximum: number): string[] {
  const pieces: string[] = [];
  let current = "";
  for (const character of text) {
    const escaped = escapeText(character);
    if (current.length + escaped.length > maximum) {
      pieces.push(current);
      current = "";
    }
    current += escaped;
  }
  if (current !== "" || pieces.length === 0) pieces.push(current);
  return pieces;
}

/**
 * A cost in dollars. `priced: false` means some of it came from a model with no price: that
 * part is unknown, so it reads `unpriced` (or `$0.0123 + unpriced`), never a made-up `$0.0000`.
 */
export function formatCost(costMicros: number, priced = true): string {
  const dollars = costMicros / 1_000_000;
  const known = dollars >= 1 ? `$${dollars.toFixed(2)}` : `$${dollars.toFixed(4)}`;
  if (priced) return known;
  return costMicros > 0 ? `${known} + unpriced` : "unpriced";
}

export function totalTokens(usage: Usage): number {
  return usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}

export function formatTokens(count: number): string {
  if (count >= 1_000_000) return `${(count / 1_000_000).toFixed(1)}M tokens`;
  if (count >= 1_000) return `${(count / 1_000).toFixed(1)}k tokens`;
  return counted(count, "token");
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

/** Between `@` and a name, so plain text such as `@channel` can never be read as a mention. */
const wordJoiner = "\u2060";

/** A link target: a scheme (`https:`, `mailto:`), `www.`, or a bare domain such as `evil.example/x`. */
const linkLike = /^(?:[a-z][a-z0-9+.-]*:|www\.|[^\s/]+\.[a-z]{2,}(?:[/:?#]|$))/i;

/** One Slack angle token, `<…>`, as inert text: what it would show, and a link's real target. */
function inertToken(inner: string): string {
  const bar = inner.indexOf("|");
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? "" : inner.slice(bar + 1);
  // Only what Slack reads as a token changes: `Array<string>` or `a < b > c` stay as written.
  if (!/^[!@#]/.test(target) && !linkLike.test(target)) {
    return inner.includes("|") || inner.includes("://") ? inner : `<${inner}>`;
  }
  if (target.startsWith("!date^")) return label;
  if (target.startsWith("!subteam^")) return `@${wordJoiner}${label.replace(/^@/, "") || "group"}`;
  if (target.startsWith("!")) return `@${wordJoiner}${target.slice(1)}`;
  if (target.startsWith("@")) return `@${wordJoiner}${label || target.slice(1).replace(/^\u2060/, "")}`;
  if (target.startsWith("#")) return `#${label || target.slice(1)}`;
  return label && label !== target ? `${label} (${target})` : target;
}

/**
 * Text that Slack reads without escapes (plain_text fields, streamed Markdown) must never
 * notify anyone or disguise a link: `<!channel>`, `<!subteam^…>` and `<@U…>` become plain
 * names, and `<https://evil|innocent>` shows its real target: `innocent (https://evil)`.
 */
export function neutralizeBroadcasts(text: string): string {
  // Repeated until stable: `<<!channel>>` must not leave a new token behind.
  let result = text.replace(bidiControls, "");
  for (let pass = 0; pass < 5; pass += 1) {
    const next = result.replace(/<([^<>\n]*)>/g, (_match, inner: string) => inertToken(inner));
    if (next === result) return inertBroadcastWords(result);
    result = next;
  }
  // Still changing after five passes: deeper nesting could assemble a token in the next one.
  return inertBroadcastWords(result.replaceAll("<", "\u2039"));
}

/** Plain `@channel`, `@here`, `@everyone`: where Slack links names in text, they would notify. */
function inertBroadcastWords(text: string): string {
  return text.replace(/(^|[^\w@.])@(channel|here|everyone)\b/gi, `$1@${wordJoiner}$2`);
}

/**
 * Model Markdown for a reply: Slack tokens made inert, and Markdown links (inline, image or
 * reference) show their real target, so `[innocent](https://evil)` cannot hide where it goes.
 */
export function safeMarkdown(text: string): string {
  return (
    neutralizeBroadcasts(text)
      .replace(markdownLink, (match, label: string, url: string) => {
        if (!linkTarget.test(url)) return match;
        return label.trim() === "" || label.trim() === url ? url : `${label} (${url})`;
      })
      // Whatever the label (nested or escaped brackets, line breaks, any title), a link needs `](`
      // or a definition's `]:` right after its `]`: a space there leaves text and target in sight.
      .replace(linkOpening, "] $1")
  );
}

/** `[label](url "title")` and `![alt](url)`. */
const markdownLink = /!?\[([^\]\n]{0,300})\]\(\s*<?([^)\s>]{0,500})>?(?:\s+"[^"]*")?\s*\)/g;
/** Where a link could go: a scheme, `//host` or `www.`; `arr[i](x)` in code is left alone. */
const linkTarget = /^(?:[a-z][a-z0-9+.-]*:|\/\/|www\.)/i;
/**
 * `](` or `]:` before a destination that is more than a word (`arr[i](x)` in code stays as
 * written): a scheme, a domain or path, an entity or an escape could all make a link.
 */
const linkOpening = /\]([(:])(?=\s*<?\w*[^\w\s)>])/g;

/** A `<` that opens a Slack token: a mention, a broadcast, a channel or a link target (linear to search). */
const tokenOpening = /<(?:[!@#]|[a-z][a-z0-9+.-]*:|www\.|[^\s/<>|]+\.[a-z]{2,}(?:[/:?#|]|$))/i;

/**
 * Splits streamed text where it is safe to send: a trailing `<…` without its `>` may be the
 * start of a mention, an open `[…](…` a disguised link, and a last word a secret; each waits for the next piece.
 */
export function splitAtSafeEnd(text: string): { ready: string; rest: string } {
  let cut = text.length;
  // A Markdown link may still be arriving: `[label`, `[label]` or `[label](https://ev`.
  const bracket = text.lastIndexOf("[");
  if (bracket !== -1 && text.length - bracket <= 600) {
    const tail = text.slice(bracket);
    if (/^\[[^\]\n]*(\](\([^)]*)?)?$/.test(tail))
      cut = Math.min(cut, bracket > 0 && text[bracket - 1] === "!" ? bracket - 1 : bracket);
  }
  // A word may be a secret still arriving (`xoxb-12` + `34…`): it waits until it is whole, to be redacted.
  const wordStart = Math.max(text.lastIndexOf(" "), text.lastIndexOf("\n"), text.lastIndexOf("\t")) + 1;
  if (text.length - wordStart <= 200) cut = Math.min(cut, wordStart);
  // Whatever the cut, what goes out must not end inside a token or a link the next piece completes.
  // Each step moves the cut back to a `]` run or the first open `<`, so a few steps settle it.
  for (let step = 0; ; step += 1) {
    const next = unfinishedEnd(text.slice(0, cut));
    if (next === cut) break;
    cut = step < 8 ? next : 0;
  }
  return { ready: text.slice(0, cut), rest: text.slice(cut) };
}

/** Where `text` must be cut so it does not end in an open `<…` token or a `]`-link part; its length if nowhere. */
function unfinishedEnd(text: string): number {
  let cut = text.length;
  // `]` then `(` or `:` makes a link; the destination decides whether it is rewritten, so it waits whole.
  let closing = text.lastIndexOf("]");
  if (closing !== -1 && /^\](?:[(:]\s*<?[^\s)>]*)?$/.test(text.slice(closing))) {
    while (closing > 0 && text[closing - 1] === "]") closing -= 1;
    cut = closing;
  }
  // An open mention or link waits for its `>` however long its label; an inner token made inert
  // would let an outer one close, so every open `<` waits, from the first.
  const head = text.slice(0, cut);
  const open = openBrackets(head);
  const first = open[0];
  if (first !== undefined) {
    const near = head.length - (open.at(-1) ?? first) <= 120;
    if (near || tokenOpening.test(head.slice(first))) cut = first;
  }
  return cut;
}

/** Positions of the `<` that no `>` closes, pairing them as nested brackets (in one pass). */
function openBrackets(text: string): number[] {
  const open: number[] = [];
  for (let index = 0; index < text.length; index += 1) {
    if (text[index] === "<") open.push(index);
    else if (text[index] === ">") open.pop();
  }
  return open;
}
