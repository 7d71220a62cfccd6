import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** Finds an executable on a search path without spawning anything. */
export function findExecutable(name: string, path = process.env.PATH ?? ""): string | undefined {
  for (const directory of path.split(delimiter)) {
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
