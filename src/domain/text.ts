/**
 * One line of text: a title or a header field with a line break in it could draw lines that
 * look like the message's own (`*Tool:* …` under the real one).
 */
export function oneLine(text: string): string {
  return text.replace(/[\r\n\v\f\u0085\u2028\u2029]+/g, " ");
}

/** Cuts raw text (before escaping) to `maximum` characters, never inside a surrogate pair. */
export function truncate(text: string, maximum: number): string {
  if (text.length <= maximum) return text;
  let cut = text.slice(0, maximum - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}
