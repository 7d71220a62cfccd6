/** The tool that reads the rest of a cut result; `capToolOutput` names it in its note. */
export const readToolOutputName = "read_tool_output";

/**
 * What the model sees of a tool result: all of it up to `maxCharacters`, else the head and
 * the tail with a note in between saying how much was cut and how to read it. The full text
 * stays in the tool call's audit row, readable with `read_tool_output`.
 */
export function capToolOutput(output: string, maxCharacters: number, toolCallId: string): string {
  if (output.length <= maxCharacters) return output;
  const budget = Math.max(0, maxCharacters - 400);
  const headEnd = safeBoundary(output, Math.floor(budget / 2));
  const tailStart = safeBoundary(output, output.length - Math.floor(budget / 2));
  const note =
    `\n[… ${tailStart - headEnd} of ${output.length} characters cut here. Read them with ` +
    `${readToolOutputName} {"tool_call_id": ${JSON.stringify(toolCallId)}, "offset": ${headEnd}}. …]\n`;
  return `${output.slice(0, headEnd)}${note}${output.slice(tailStart)}`;
}

/** Moves a cut off the middle of a surrogate pair, so no half character is shown. */
export function safeBoundary(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff ? index - 1 : index;
}

/** Text cut to `maxCharacters`: head and tail with a note in between saying how much was cut. */
export function capText(text: string, maxCharacters: number): string {
  if (text.length <= maxCharacters) return text;
  const budget = Math.max(0, maxCharacters - 100);
  const headEnd = safeBoundary(text, Math.floor(budget / 2));
  const tailStart = safeBoundary(text, text.length - Math.floor(budget / 2));
  return `${text.slice(0, headEnd)}\n[… ${tailStart - headEnd} of ${text.length} characters cut …]\n${text.slice(tailStart)}`;
}
