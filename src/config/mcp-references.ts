/**
 * `${NAME}` and `${workspace}` in an MCP server's text values (see `mcp-config.ts`). Nothing else
 * is expanded: no shell runs, so `$NAME`, `${NAME:-default}` or `${env:NAME}` would reach the
 * server as written; the schema refuses them instead.
 */

/** What `${workspace}` becomes: the calling agent's working copy. Lower case, so no variable can be meant. */
export const workspaceReference = "${workspace}";

const referencePattern = /\$\{(workspace|[A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The environment variables a text names, in order, without repeats (`workspace` is not one). */
export function referencedVariables(text: string): string[] {
  const names = [...text.matchAll(referencePattern)].map((match) => match[1] ?? "");
  return [...new Set(names.filter((name) => name !== "workspace"))];
}

/** Whether a text holds `${workspace}`. */
export function usesWorkspace(text: string): boolean {
  return text.includes(workspaceReference);
}

/** The text with its references taken out, to judge what is written literally. */
export function withoutReferences(text: string): string {
  return text.replace(referencePattern, "");
}

/**
 * The first `$` that is not the start of a well-formed reference, e.g. `${NAME:-x}`, `${ NAME }`
 * or `$NAME`, as written; `undefined` when there is none. A `$` before anything else (`$1`, `$`) is text.
 */
export function malformedReference(text: string): string | undefined {
  const rest = withoutReferences(text);
  return /\$\{[^}]*\}?|\$[A-Za-z_][A-Za-z0-9_]*/.exec(rest)?.[0];
}

/**
 * The text with each `${NAME}` replaced by its value and `${workspace}` by the working copy.
 * Callers check first that every variable is set (`referencedVariables`); an unset one becomes "".
 */
export function resolveReferences(
  text: string,
  variables: Record<string, string | undefined>,
  workspace?: string,
): string {
  return text.replace(referencePattern, (_whole, name: string) =>
    name === "workspace" ? (workspace ?? "") : (variables[name] ?? ""),
  );
}
