/**
 * Characters that let one command line run another, redirect output or expand text.
 * A command containing any of them never matches the allow list: `npm test; curl x`
 * must not ride on an allowed `npm test`.
 */
const shellMetacharacters = /[;&|`$<>(){}\n\r\\]/;

export function normalizeCommand(command: string): string {
  return command.trim().replace(/[ \t]+/g, " ");
}

export function hasShellMetacharacters(command: string): boolean {
  return shellMetacharacters.test(command);
}

/**
 * An allow-list pattern matches a command that equals it, or that starts with it
 * followed by a space (a word boundary): `npm test` allows `npm test -- --watch=false`
 * but not `npm testing` or `npm test; rm -rf .`. Whitespace runs count as one space.
 */
export function isAllowedCommand(command: string, patterns: string[]): boolean {
  const normalized = normalizeCommand(command);
  if (normalized === "" || hasShellMetacharacters(normalized)) return false;
  return patterns.some((pattern) => {
    const allowed = normalizeCommand(pattern);
    if (allowed === "") return false;
    return normalized === allowed || normalized.startsWith(`${allowed} `);
  });
}
