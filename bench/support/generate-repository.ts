import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { runGit } from "../../src/adapters/git/git-command.ts";

/**
 * Writes a repository of `fileCount` small source files spread over nested directories,
 * committed on `main`. Used by the workspace benchmark.
 */
export async function generateRepository(directory: string, fileCount: number): Promise<void> {
  await mkdir(directory, { recursive: true });
  await runGit(["init", "-q", "-b", "main", directory], { cwd: directory });
  const writes: Promise<void>[] = [];
  for (let index = 0; index < fileCount; index += 1) {
    const path = join(directory, `src/module-${index % 30}/part-${index % 7}/file-${index}.ts`);
    writes.push(mkdir(dirname(path), { recursive: true }).then(() => writeFile(path, sourceText(index))));
  }
  await Promise.all(writes);
  await runGit(["add", "-A"], { cwd: directory });
  await runGit(["commit", "-q", "-m", `Generate ${fileCount} files`], { cwd: directory });
}

function sourceText(index: number): string {
  const lines = [`// File ${index}`, `export function value${index}(input: number): number {`];
  for (let line = 0; line < 20; line += 1) lines.push(`  input = input * ${line + 1} + ${index % 97};`);
  lines.push("  return input;", "}", "");
  return lines.join("\n");
}
