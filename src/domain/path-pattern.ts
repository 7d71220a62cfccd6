/**
 * A path pattern from configuration as a regular expression: a path from the repository's root,
 * `*` for any characters within one directory, `**` for any depth, a trailing `/` for a directory
 * and everything in it. Without regard to case.
 */
export function pathPattern(pattern: string): RegExp {
  const directory = pattern.endsWith("/");
  const body = (directory ? pattern.slice(0, -1) : pattern)
    .split(/(\*\*\/?|\*)/)
    .map((part) => {
      if (part === "**/") return "(?:.*/)?";
      if (part === "**") return ".*";
      if (part === "*") return "[^/]*";
      return part.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("");
  return new RegExp(`^${body}${directory ? "(/|$)" : "$"}`, "i");
}
