import { lstat, realpath } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import { ToolError } from "../../domain/errors.ts";

export interface ResolvedPath {
  /** Absolute path as asked for, inside the workspace root. */
  absolute: string;
  /** Path relative to the root, with forward slashes; "." for the root itself. */
  relative: string;
  /** Real location on disk (symlinks resolved) when the path exists; undefined otherwise. */
  real: string | undefined;
}

export interface ResolveOptions {
  /** Refuse `.git` and anything inside it (for writes). */
  forWrite?: boolean;
}

/**
 * The one gate between a model-supplied path and the file system. Refuses absolute
 * paths, `..` escapes, and symlinks (of the file or of any directory on the way) whose
 * real location is outside the workspace; writes to any `.git` (nested ones too) are refused.
 */
export async function resolveInsideWorkspace(
  root: string,
  requestedPath: string,
  options: ResolveOptions = {},
): Promise<ResolvedPath> {
  const text = requestedPath.trim() === "" ? "." : requestedPath;
  if (text.includes("\0")) throw new ToolError("The path contains a NUL byte.");
  if (isAbsolute(text) || /^[A-Za-z]:[\\/]/.test(text) || text.startsWith("~")) {
    throw new ToolError(
      `Absolute paths are not allowed: "${requestedPath}". Use a path relative to the workspace root.`,
    );
  }
  const realRoot = await realpath(root);
  const absolute = join(realRoot, text);
  const relativePath = relative(realRoot, absolute);
  if (relativePath === ".." || relativePath.startsWith(`..${sep}`) || isAbsolute(relativePath)) {
    throw new ToolError(`The path "${requestedPath}" leads outside the workspace.`);
  }
  const segments = relativePath === "" ? [] : relativePath.split(sep);
  // Any `.git`, nested ones too: a gitfile or a nested repository's files make the
  // service's own git read (or block on) whatever they point at.
  if (options.forWrite && segments.some(isGitSegment)) {
    throw new ToolError(`Writing inside .git is not allowed: "${requestedPath}". Use the commit tool.`);
  }
  const real = await realLocation(absolute);
  if (real === undefined && (await isSymlink(absolute))) {
    throw new ToolError(
      `The path "${requestedPath}" is a symlink to a missing target; refusing to follow it.`,
    );
  }
  const checked = real ?? (await realLocation(await deepestExistingAncestor(absolute, realRoot)));
  if (checked === undefined || !isInside(realRoot, checked)) {
    throw new ToolError(
      `The path "${requestedPath}" goes through a symlink that leads outside the workspace.`,
    );
  }
  // A new file's real location is its deepest existing directory's: a symlinked directory
  // (`meta -> .git`) must not lead a write into .git, here or in a nested repository.
  if (options.forWrite) {
    const realSegments = relative(realRoot, real ?? checked).split(sep);
    if (realSegments.some(isGitSegment)) {
      throw new ToolError(`Writing inside .git is not allowed: "${requestedPath}".`);
    }
  }
  return {
    absolute,
    relative: relativePath === "" ? "." : segments.join("/"),
    real,
  };
}

function isGitSegment(segment: string): boolean {
  return segment.toLowerCase() === ".git";
}

export function isInside(root: string, candidate: string): boolean {
  const path = relative(root, candidate);
  return path === "" || !(path === ".." || path.startsWith(`..${sep}`) || isAbsolute(path));
}

async function realLocation(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch {
    return undefined;
  }
}

async function isSymlink(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isSymbolicLink();
  } catch {
    return false;
  }
}

async function deepestExistingAncestor(path: string, root: string): Promise<string> {
  let current = dirname(path);
  while (current !== root && isInside(root, current)) {
    try {
      await lstat(current);
      return current;
    } catch {
      current = dirname(current);
    }
  }
  return root;
}
