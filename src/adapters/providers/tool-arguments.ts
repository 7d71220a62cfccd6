/**
 * Tool-call arguments arrive as JSON text. Text that does not parse is kept as the raw string:
 * the runtime's input validation then returns a readable error to the model.
 */
export function parseToolArguments(text: string): unknown {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
