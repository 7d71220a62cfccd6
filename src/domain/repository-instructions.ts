import { safeBoundary } from "./tool-output.ts";

/** One repository instruction file as the worker reads it. */
export interface InstructionFile {
  /** Relative to the repository root, forward slashes. */
  path: string;
  text: string;
  /** Characters of the file left out to stay within the bound, 0 when it is whole. */
  cutCharacters: number;
}

/** All instruction files of one first message together stay under this many characters. */
export const maxInstructionCharacters = 16 * 1024;

/** Directories named in a brief that are searched at most, besides the root. */
const maxNamedDirectories = 6;

/**
 * The directories an agent works in, as its brief names them: each path-like word
 * (`src/api/routes.ts`, `packages/web/`) and the directories above it, deepest last.
 * At start this is all we know; `..`, absolute paths and URLs are left out.
 */
export function directoriesNamedIn(brief: string): string[] {
  const found = new Set<string>();
  for (const match of brief.matchAll(/(?<![\w:/.-])(?:[\w.-]+\/)+[\w.-]*/g)) {
    const segments = match[0].split("/").filter((segment) => segment !== "" && segment !== ".");
    if (segments.some((segment) => segment === ".." || segment.startsWith(".git"))) continue;
    // A last segment with a dot is a file (`routes.ts`); without one, a directory.
    const directories =
      match[0].endsWith("/") || !segments.at(-1)?.includes(".") ? segments : segments.slice(0, -1);
    for (let depth = 1; depth <= directories.length; depth += 1)
      found.add(directories.slice(0, depth).join("/"));
  }
  return [...found]
    .sort((left, right) => left.split("/").length - right.split("/").length || left.localeCompare(right))
    .slice(0, maxNamedDirectories);
}

/**
 * Which files to read, in order, by the convention: `AGENTS.md` in the root and in each
 * directory the agent works in (a deeper one applies to its directory and wins where it
 * differs); where there is no `AGENTS.md` at all, `CLAUDE.md` the same way, and then the root's
 * `.github/copilot-instructions.md`. Each tier is asked only if the one before found nothing.
 */
export function instructionTiers(directories: readonly string[]): string[][] {
  const all = ["", ...directories];
  const inEach = (name: string) => all.map((directory) => (directory === "" ? name : `${directory}/${name}`));
  return [inEach("AGENTS.md"), inEach("CLAUDE.md"), [".github/copilot-instructions.md"]];
}

/**
 * Bounds the files to `maxCharacters` together: short files whole, long ones cut to an equal
 * share of what is left, each with a note saying how much is missing and where to read it.
 */
export function boundInstructions(
  files: ReadonlyArray<{ path: string; text: string }>,
  maxCharacters = maxInstructionCharacters,
): InstructionFile[] {
  const shares = new Map<string, number>();
  let remaining = maxCharacters;
  const bySize = [...files].sort((left, right) => left.text.length - right.text.length);
  bySize.forEach((file, position) => {
    const share = Math.floor(remaining / (bySize.length - position));
    const take = Math.min(file.text.length, share);
    shares.set(file.path, take);
    remaining -= take;
  });
  return files.map((file) => {
    const take = shares.get(file.path) ?? 0;
    if (take >= file.text.length) return { path: file.path, text: file.text, cutCharacters: 0 };
    const end = safeBoundary(file.text, take);
    return { path: file.path, text: file.text.slice(0, end), cutCharacters: file.text.length - end };
  });
}
