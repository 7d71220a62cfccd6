import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { ThreadworkError } from "./errors.ts";

/** A path built from configuration or stored names would leave the folder it belongs in. */
export class PathOutsideFolderError extends ThreadworkError {
  constructor(folder: string, child: string) {
    super("path_outside_folder", `${JSON.stringify(child)}, joined to ${folder}, does not stay inside it`, {
      category: "system",
      details: { folder, child },
    });
    this.name = "PathOutsideFolderError";
  }
}

/**
 * `folder` joined with `parts`, which must name something strictly inside it: `.`, `..`,
 * `a/../..`, an absolute part or a NUL byte throws `PathOutsideFolderError`. Behind the
 * configuration's name checks, so a name that slips through never reaches a sibling folder.
 */
export function pathInsideFolder(folder: string, ...parts: string[]): string {
  const child = parts.join("/");
  const base = resolve(folder);
  if (parts.some((part) => isAbsolute(part) || part.includes("\0"))) {
    throw new PathOutsideFolderError(base, child);
  }
  const joined = join(base, ...parts);
  const inside = relative(base, joined);
  if (inside === "" || inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw new PathOutsideFolderError(base, child);
  }
  return joined;
}
