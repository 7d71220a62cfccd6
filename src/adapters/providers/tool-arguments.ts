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

/** A tool's JSON Schema as providers take it: an object schema without the `$schema` marker zod adds. */
export function toolParameters(inputSchema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _marker, ...schema } = inputSchema;
  return { type: "object", ...schema };
}
