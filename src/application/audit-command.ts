import { listAuditEntries } from "../adapters/database/audit-entries.ts";
import { openDatabase } from "../adapters/database/open-database.ts";
import type { Config } from "../config/config.ts";
import { type AuditArguments, parseAuditArguments } from "../domain/audit-arguments.ts";
import { formatAudit } from "../domain/audit-export.ts";
import type { Logger } from "../logger.ts";

export const auditUsage = `Usage: npm run audit -- [--since 2026-12-01] [--format csv|json] [--team T0123ABCD]

Writes the audit trail (every approval, denial, "always allow", Stop, budget extension, plan
decision, settings change, install and uninstall) to stdout, oldest first: one workspace's with
--team, every workspace's without. --since takes a day (midnight UTC) or an ISO time. CSV is the
default; cells a spreadsheet would run as a formula start with a quote. See docs/audit.md.
`;

/** What the command line asks for: help, a problem to report, or an export. */
export function readAuditCommandLine(
  argv: readonly string[],
): { help: true } | { problem: string } | { export: AuditArguments } {
  if (argv.includes("--help") || argv.includes("-h")) return { help: true };
  const parsed = parseAuditArguments(argv, { allowTeam: true });
  return "error" in parsed ? { problem: parsed.error } : { export: parsed };
}

/**
 * `npm run audit`: reads the rows from the deployment's database and returns them as text. It
 * only reads; the embedded database can be read only while `npm start` is not running on it.
 */
export async function exportAuditTrail(
  config: Config,
  request: AuditArguments,
  logger: Logger,
): Promise<string> {
  const database = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir, logger });
  try {
    const records = await listAuditEntries(database.db, { teamId: request.team, since: request.since });
    return formatAudit(records, request.format);
  } finally {
    await database.close();
  }
}
