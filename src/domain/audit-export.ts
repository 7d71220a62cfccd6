import type { AuditAction, AuditEntry } from "./audit.ts";

/** One stored audit row as an export shows it. */
export interface AuditRecord {
  id: number;
  at: Date;
  teamId: string;
  enterpriseId: string | null;
  action: AuditAction | string;
  actorId: string;
  channelId: string | null;
  sessionId: string | null;
  detail: string;
}

export const auditFormats = ["csv", "json"] as const;
export type AuditFormat = (typeof auditFormats)[number];

const columns = [
  ["id", (record: AuditRecord) => String(record.id)],
  ["at", (record: AuditRecord) => record.at.toISOString()],
  ["team_id", (record: AuditRecord) => record.teamId],
  ["enterprise_id", (record: AuditRecord) => record.enterpriseId ?? ""],
  ["action", (record: AuditRecord) => record.action],
  ["actor_id", (record: AuditRecord) => record.actorId],
  ["channel_id", (record: AuditRecord) => record.channelId ?? ""],
  ["session_id", (record: AuditRecord) => record.sessionId ?? ""],
  ["detail", (record: AuditRecord) => record.detail],
] as const;

/**
 * One CSV cell (RFC 4180): quoted when it holds a quote, comma or line break, quotes doubled.
 * A cell a spreadsheet would read as a formula (starting with = + - @, or a tab or carriage
 * return before one) is prefixed with a single quote, so opening the export runs nothing.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The records as CSV with a header row, lines ended by CRLF. */
export function auditCsv(records: readonly AuditRecord[]): string {
  const header = columns.map(([name]) => name).join(",");
  const lines = records.map((record) => columns.map(([, value]) => csvCell(value(record))).join(","));
  return `${[header, ...lines].join("\r\n")}\r\n`;
}

/** The records as a JSON array, one object per row with the CSV's column names. */
export function auditJson(records: readonly AuditRecord[]): string {
  const rows = records.map((record) => ({
    id: record.id,
    at: record.at.toISOString(),
    team_id: record.teamId,
    enterprise_id: record.enterpriseId,
    action: record.action,
    actor_id: record.actorId,
    channel_id: record.channelId,
    session_id: record.sessionId,
    detail: record.detail,
  }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}

export function formatAudit(records: readonly AuditRecord[], format: AuditFormat): string {
  return format === "csv" ? auditCsv(records) : auditJson(records);
}

/** The audit trail as the surfaces use it: record, and read one team's rows back. */
export interface AuditTrail {
  record(entry: AuditEntry): Promise<void>;
  list(query: { teamId: string; since?: Date | undefined }): Promise<AuditRecord[]>;
}
