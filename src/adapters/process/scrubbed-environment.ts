import { userInfo } from "node:os";

const fallbackPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * Builds a child's environment from scratch, never by copying `process.env` and deleting
 * secrets: an allow list cannot miss a new token variable.
 */
export function scrubbedEnvironment(options: {
  home: string;
  source?: Record<string, string | undefined>;
}): Record<string, string> {
  const source = options.source ?? process.env;
  return {
    PATH: source.PATH ?? fallbackPath,
    HOME: options.home,
    LANG: source.LANG ?? "C.UTF-8",
    LC_ALL: source.LC_ALL ?? source.LANG ?? "C.UTF-8",
    TERM: "dumb",
    TZ: source.TZ ?? "UTC",
    USER: safeUserName(),
  };
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return "threadwork";
  }
}
