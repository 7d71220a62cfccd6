import { type AuditFormat, auditFormats } from "./audit-export.ts";

/** What an export asks for: `/threadwork audit --since 2026-12-01 csv`, or `npm run audit -- …`. */
export interface AuditArguments {
  since: Date | undefined;
  format: AuditFormat;
  /** `--team T…`: only the terminal may name a team; Slack exports the admin's own. */
  team: string | undefined;
}

const datePattern = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/;

/** A day (`2026-12-01`, midnight UTC) or an ISO time; undefined when it is neither. */
export function parseAuditDate(text: string): Date | undefined {
  if (!datePattern.test(text)) return undefined;
  const date = new Date(text.length === 10 ? `${text}T00:00:00Z` : text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function isFormat(text: string): text is AuditFormat {
  return (auditFormats as readonly string[]).includes(text);
}

/**
 * Reads `--since DATE`, `--format csv|json` (or a bare `csv`/`json`) and, where `allowTeam`,
 * `--team T…`; `--name=value` works too. The default format is CSV. A message says what is wrong.
 */
export function parseAuditArguments(
  words: readonly string[],
  options: { allowTeam: boolean },
): AuditArguments | { error: string } {
  const result: AuditArguments = { since: undefined, format: "csv", team: undefined };
  const queue = words.flatMap((word) =>
    word.startsWith("--") && word.includes("=") ? word.split(/=(.*)/s, 2) : [word],
  );
  while (queue.length > 0) {
    const word = queue.shift() ?? "";
    if (word === "") continue;
    if (isFormat(word.toLowerCase())) {
      result.format = word.toLowerCase() as AuditFormat;
      continue;
    }
    const value = queue.shift();
    if (word === "--since") {
      const since = value === undefined ? undefined : parseAuditDate(value);
      if (!since) return { error: `--since needs a date such as 2026-12-01, not “${value ?? ""}”.` };
      result.since = since;
    } else if (word === "--format") {
      const format = value?.toLowerCase() ?? "";
      if (!isFormat(format)) return { error: `--format is csv or json, not “${value ?? ""}”.` };
      result.format = format;
    } else if (word === "--team" && options.allowTeam) {
      if (!value || value.startsWith("--")) return { error: "--team needs a team id such as T0123ABCD." };
      result.team = value;
    } else {
      return { error: `Unknown argument “${word}”.` };
    }
  }
  return result;
}
