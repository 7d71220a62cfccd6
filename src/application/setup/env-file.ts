import { chmod, open, readFile } from "node:fs/promises";

export interface EnvFileChanges {
  /** Keys written: appended, or filled in where the file had `KEY=` with no value. */
  written: string[];
  /** Keys the file already had a value for, left as they were. */
  kept: string[];
}

const assignment = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/;

/** The values a .env file sets (a value that is empty, or only quotes, counts as unset). */
export function readEnvValues(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = assignment.exec(line);
    if (!match?.[1]) continue;
    const value = (match[2] ?? "")
      .replace(/(^|\s+)#.*$/, "")
      .trim()
      .replace(/^(['"])(.*)\1$/, "$2");
    if (value !== "") values.set(match[1], value);
  }
  return values;
}

/**
 * Adds `values` to the .env file at `file` without changing a value already there: a key with a
 * value is kept, `KEY=` is filled in, a missing key is appended. Comments and order stay; the file
 * is readable by its owner only (0600), before any secret is written to it.
 */
export async function mergeEnvFile(file: string, values: Record<string, string>): Promise<EnvFileChanges> {
  let text = "";
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const present = readEnvValues(text);
  const changes: EnvFileChanges = { written: [], kept: [] };
  const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
  for (const [key, value] of Object.entries(values)) {
    if (present.has(key)) {
      changes.kept.push(key);
      continue;
    }
    const empty = lines.findIndex((line) => assignment.exec(line)?.[1] === key);
    if (empty >= 0) lines[empty] = `${key}=${value}`;
    else lines.push(`${key}=${value}`);
    changes.written.push(key);
  }
  if (changes.written.length === 0) return changes;
  const handle = await open(file, "a", 0o600);
  try {
    await chmod(file, 0o600);
    await handle.truncate(0);
    await handle.write(`${lines.join("\n")}\n`, 0);
  } finally {
    await handle.close();
  }
  return changes;
}
