import type { Stats } from "node:fs";
import { relative, sep } from "node:path";

/**
 * Entries a sandboxed command can leave that make the service's own git (outside the
 * sandbox) block or read without end when it looks at nested repositories: a named pipe
 * as a nested `.git/HEAD` blocks `git add`, `git status` and `git ls-files` forever; a
 * symlink there to `/dev/zero` makes git read until memory runs out.
 * - named pipes and sockets anywhere in the command's directories;
 * - below the workspace root (never its own `.git`): a `.git` that is not a directory (a
 *   gitfile can point anywhere), and any symlink inside a nested `.git` directory.
 */
export function isGitHazard(workspaceRoot: string, path: string, info: Stats): boolean {
  if (info.isFIFO() || info.isSocket() || info.isCharacterDevice() || info.isBlockDevice()) return true;
  const inside = relative(workspaceRoot, path);
  if (inside === "" || inside.startsWith("..")) return false;
  const segments = inside.split(sep);
  if (segments[0] === ".git") return false;
  if (segments.at(-1) === ".git" && !info.isDirectory()) return true;
  return info.isSymbolicLink() && segments.slice(0, -1).includes(".git");
}
