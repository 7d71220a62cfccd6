import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { SetupOutcome } from "../../domain/environment.ts";

const outcomeSchema: z.ZodType<SetupOutcome> = z.object({
  status: z.enum(["passed", "failed"]),
  command: z.string(),
  source: z.enum(["ran", "cache"]),
  exitCode: z.number().int().nullable(),
  durationMs: z.number(),
  reason: z.string().optional(),
  output: z.string(),
});

/**
 * Next to the working copy, like its metadata: outside every sandbox mount, so no command
 * can forge it, and removed with the session's workspaces.
 */
export function setupRecordPath(root: string): string {
  return `${root}.setup.json`;
}

/** The outcome of a setup that finished in this working copy, if one did. */
export async function readSetupRecord(root: string): Promise<SetupOutcome | undefined> {
  try {
    const parsed = outcomeSchema.safeParse(JSON.parse(await readFile(setupRecordPath(root), "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Written once setup is over, under a temporary name first: a crash never leaves half a record. */
export async function writeSetupRecord(root: string, outcome: SetupOutcome): Promise<void> {
  const path = setupRecordPath(root);
  const temporary = `${path}.tmp-${randomUUID()}`;
  await writeFile(temporary, `${JSON.stringify(outcome, null, 2)}\n`);
  await rename(temporary, path);
}

/**
 * Keeps what setup made (node_modules, .venv) out of the agent's commits, whether or not the
 * repository ignores it: `.git/info/exclude` of the working copy, which commands cannot write.
 */
export async function excludeFromCommits(root: string, names: string[]): Promise<void> {
  if (names.length === 0) return;
  const directory = join(root, ".git", "info");
  const path = join(directory, "exclude");
  await mkdir(directory, { recursive: true });
  const existing = await readFile(path, "utf8").catch(() => "");
  const lines = new Set(existing.split("\n"));
  const added = names.map((name) => `/${name.replace(/[\\*?[\]!#]/g, (character) => `\\${character}`)}`);
  const missing = added.filter((line) => !lines.has(line));
  if (missing.length === 0) return;
  const prefix = existing === "" || existing.endsWith("\n") ? existing : `${existing}\n`;
  await writeFile(path, `${prefix}${missing.join("\n")}\n`);
}
