import { accessSync, constants } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

/**
 * A search path with only absolute directories. exec reads an empty entry (`PATH=:/usr/bin`,
 * what `PATH=$UNSET:$PATH` gives) or `.` as the current directory: for us often a workspace,
 * where a sandboxed command could have planted a `git` that would run outside the sandbox.
 */
export function absoluteSearchPath(path: string): string {
  return path
    .split(delimiter)
    .filter((directory) => isAbsolute(directory))
    .join(delimiter);
}

/** Finds an executable on a search path (absolute directories only) without spawning anything. */
export function findExecutable(name: string, path = process.env.PATH ?? ""): string | undefined {
  for (const directory of absoluteSearchPath(path).split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}
